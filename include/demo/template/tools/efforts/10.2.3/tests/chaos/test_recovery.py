"""Failure injection: a dependency that drops connections, times out, or goes away for a while."""

import os

import pytest
from shelf.resilience import Breaker, CircuitOpen, Retry
from shelf.testing import Environment, wait_for_condition

UNRECOVERED = os.environ.get("WAVEFLOW_EFFORT", "") in {
    s.strip() for s in os.environ.get("WAVEFLOW_DEMO_CHAOS_UNRECOVERED", "").split(",") if s.strip()
}


class Flaky:
    """Fails the first `failures` calls with `error`, then answers."""

    def __init__(self, failures: int, error: type[Exception] = ConnectionError) -> None:
        self.left, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.left > 0:
            self.left -= 1
            raise self.error("injected")
        return "ok"


def test_recovers_from_dropped_connections():
    assert Retry(attempts=4).call(Flaky(3)) == "ok"


def test_recovers_from_timeouts():
    assert Retry(attempts=3).call(Flaky(2, TimeoutError)) == "ok"


def test_store_survives_a_restart_of_its_client():
    env = Environment(namespace="chaos")
    env.store("main").add("apple", 5)
    client = Flaky(1)
    assert Retry().call(client) == "ok" and env.store("main").count("apple") == 5


def test_breaker_opens_then_recovers():
    breaker, dependency = Breaker(threshold=2, cooldown=0.02), Flaky(2)
    for _ in range(2):
        with pytest.raises(ConnectionError):
            breaker.call(dependency)
    with pytest.raises(CircuitOpen):
        breaker.call(dependency)
    assert wait_for_condition(lambda: _closes(breaker, dependency), timeout=2)


def _closes(breaker: Breaker, dependency: Flaky) -> bool:
    try:
        return breaker.call(dependency) == "ok"
    except CircuitOpen:
        return False


def test_recovers_from_a_long_outage():
    attempts = 2 if UNRECOVERED else 6  # the knob shortens the retry budget below the outage
    assert Retry(attempts=attempts).call(Flaky(4)) == "ok"
