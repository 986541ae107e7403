"""Stock counts per SKU."""

from __future__ import annotations


class OutOfStock(ValueError):
    """A removal asked for more than is in stock."""


class Store:
    """Stock counts per SKU, never negative."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def add(self, sku: str, quantity: int) -> int:
        """Add `quantity` (> 0) of `sku`; returns the new count."""
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, not {quantity}")
        self._counts[sku] = self._counts.get(sku, 0) + quantity
        return self._counts[sku]

    def remove(self, sku: str, quantity: int) -> int:
        """Remove `quantity` (> 0) of `sku`; raises OutOfStock rather than go below zero."""
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, not {quantity}")
        have = self._counts.get(sku, 0)
        if quantity > have:
            raise OutOfStock(f"{sku}: {have} in stock, {quantity} requested")
        self._counts[sku] = have - quantity
        return self._counts[sku]

    def count(self, sku: str) -> int:
        """The count of `sku`; 0 for a SKU never added."""
        return self._counts.get(sku, 0)

    def total(self) -> int:
        """The sum of all counts."""
        return sum(self._counts.values())
