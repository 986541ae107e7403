"""The line protocol: `add SKU N`, `remove SKU N`, `count SKU`, `total`; every reply is one line."""

from __future__ import annotations

from .store import OutOfStock, Store


class Service:
    """Answers protocol lines against one store."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store or Store()

    def handle(self, line: str) -> str:
        """One request line in, one reply line out: `ok N` or `error: why`."""
        words = line.split()
        try:
            if words[:1] == ["total"] and len(words) == 1:
                return f"ok {self.store.total()}"
            if words[:1] == ["count"] and len(words) == 2:
                return f"ok {self.store.count(words[1])}"
            if words[:1] in (["add"], ["remove"]) and len(words) == 3:
                change = self.store.add if words[0] == "add" else self.store.remove
                return f"ok {change(words[1], int(words[2]))}"
        except (OutOfStock, ValueError) as exc:
            return f"error: {exc}"
        return f"error: cannot parse {line.strip()!r}"
