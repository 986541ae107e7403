"""Kubernetes resource quantities (`500m`, `2`, `512Mi`), added and multiplied exactly for quotas."""

from __future__ import annotations

from decimal import Decimal

from kubernetes.utils.quantity import parse_quantity

_BINARY = (("Ei", 2**60), ("Pi", 2**50), ("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10))


def parse(value: str) -> Decimal:
    """The quantity in base units (cores, bytes); ValueError names the value when it is not a quantity."""
    try:
        return Decimal(parse_quantity(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a Kubernetes quantity") from None


def cpu(amount: Decimal) -> str:
    """Cores as the API server itself prints them: whole cores, else millicores (rounded up: never below ask)."""
    millis = (amount * 1000).to_integral_value(rounding="ROUND_CEILING")
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def memory(amount: Decimal) -> str:
    """Bytes with the largest binary suffix that keeps the value whole."""
    count = int(amount.to_integral_value(rounding="ROUND_CEILING"))
    for suffix, size in _BINARY:
        if count and count % size == 0:
            return f"{count // size}{suffix}"
    return str(count)
