from shelf.service import Service


def test_protocol_lines():
    service = Service()
    assert service.handle("add apple 3") == "ok 3"
    assert service.handle("remove apple 1") == "ok 2"
    assert service.handle("count apple") == "ok 2"
    assert service.handle("total") == "ok 2"
    assert service.handle("remove apple 5") == "error: apple: 2 in stock, 5 requested"
    assert service.handle("add apple many").startswith("error: invalid literal")
    assert service.handle("dance") == "error: cannot parse 'dance'"
