"""Stock counts per SKU."""

from __future__ import annotations


class OutOfStock(ValueError):
    pass


class Store:
    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def add(self, sku: str, quantity: int) -> int:
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, not {quantity}")
        self._counts[sku] = self._counts.get(sku, 0) + quantity
        return self._counts[sku]

    def remove(self, sku: str, quantity: int) -> int:
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, not {quantity}")
        have = self._counts.get(sku, 0)
        if quantity > have:
            raise OutOfStock(f"{sku}: {have} in stock, {quantity} requested")
        self._counts[sku] = have - quantity
        return self._counts[sku]

    def count(self, sku: str) -> int:
        return self._counts.get(sku, 0)

    def total(self) -> int:
        return sum(self._counts.values())
