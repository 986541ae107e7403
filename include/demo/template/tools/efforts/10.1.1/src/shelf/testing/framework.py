"""An isolated test environment: a namespace of its own and ports from the effort's range only.

Parallel suites share one machine; each gets its namespace from WAVEFLOW_NAMESPACE and its ports from
PORT_RANGE_START..PORT_RANGE_END, so two suites never bind the same port or touch each other's data.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from shelf.store import Store


class PortsExhausted(RuntimeError):
    """Every port of the environment's range is taken."""


@dataclass
class Environment:
    """One suite's isolated world: its namespace, its port range, and the stores it created."""

    namespace: str = field(default_factory=lambda: os.environ.get("WAVEFLOW_NAMESPACE") or "default")
    port_start: int = field(default_factory=lambda: int(os.environ.get("PORT_RANGE_START") or 0))
    port_end: int = field(default_factory=lambda: int(os.environ.get("PORT_RANGE_END") or 0))
    stores: dict[str, Store] = field(default_factory=dict)
    _taken: set[int] = field(default_factory=set)

    def store(self, name: str) -> Store:
        """The store `name` of this namespace, created on first use."""
        key = f"{self.namespace}/{name}"
        return self.stores.setdefault(key, Store())

    def free_port(self) -> int:
        """A port of this environment's range that nothing listens on; any free port when no range is set."""
        if not self.port_start:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                return int(s.getsockname()[1])
        for port in range(self.port_start, self.port_end + 1):
            if port in self._taken:
                continue
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
            self._taken.add(port)
            return port
        raise PortsExhausted(f"no free port in {self.port_start}-{self.port_end}")

    def cleanup(self) -> None:
        """Forget the stores and release the ports this environment handed out."""
        self.stores.clear()
        self._taken.clear()


def wait_for_condition(condition: Callable[[], bool], timeout: float, interval: float = 0.01) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
