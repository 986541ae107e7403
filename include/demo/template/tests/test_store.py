import pytest
from shelf.store import OutOfStock, Store


def test_add_and_remove_keep_counts():
    store = Store()
    assert store.add("apple", 3) == 3
    assert store.add("apple", 2) == 5
    assert store.remove("apple", 4) == 1
    assert store.count("apple") == 1
    assert store.count("pear") == 0
    store.add("pear", 7)
    assert store.total() == 8


def test_refuses_what_it_cannot_do():
    store = Store()
    with pytest.raises(OutOfStock, match="0 in stock, 1 requested"):
        store.remove("apple", 1)
    with pytest.raises(ValueError, match="positive"):
        store.add("apple", 0)
    with pytest.raises(ValueError, match="positive"):
        store.remove("apple", -1)
