"""Calls that survive a flaky dependency: bounded retries with backoff, and a breaker that stops hammering it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class CircuitOpen(RuntimeError):
    """The breaker is open: the dependency failed too often, calls are refused until it cools down."""


@dataclass
class Retry:
    """Retry a call up to `attempts` times, sleeping `backoff * 2**n` seconds between attempts."""

    attempts: int = 5
    backoff: float = 0.001
    retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)

    def call(self, fn: Callable[[], T]) -> T:
        """`fn()`, retried on `retry_on` errors; the last error is raised when every attempt failed."""
        for n in range(self.attempts):
            try:
                return fn()
            except self.retry_on:
                if n == self.attempts - 1:
                    raise
                time.sleep(self.backoff * 2**n)
        raise AssertionError("unreachable")


@dataclass
class Breaker:
    """Opens after `threshold` failures in a row; lets one trial call through after `cooldown` seconds."""

    threshold: int = 3
    cooldown: float = 0.05
    failures: int = 0
    opened_at: float | None = None

    def call(self, fn: Callable[[], T]) -> T:
        """`fn()` unless the breaker is open; a success closes it, a failure counts towards opening it."""
        if self.opened_at is not None and time.monotonic() - self.opened_at < self.cooldown:
            raise CircuitOpen("dependency failing; not calling it")
        try:
            result = fn()
        except Exception:
            self.failures += 1
            if self.failures >= self.threshold:
                self.opened_at = time.monotonic()
            raise
        self.failures, self.opened_at = 0, None
        return result
