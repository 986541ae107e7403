import os

import pytest
from shelf.testing import Environment, wait_for_condition
from shelf.testing.framework import PortsExhausted


def test_environment_isolates_stores_by_namespace():
    a, b = Environment(namespace="a"), Environment(namespace="b")
    a.store("main").add("apple", 2)
    assert b.store("main").count("apple") == 0
    assert a.store("main") is a.store("main")
    a.cleanup()
    assert a.store("main").count("apple") == 0


def test_ports_come_from_the_range():
    env = Environment(port_start=0, port_end=0)
    assert env.free_port() > 0
    start = int(os.environ.get("PORT_RANGE_START") or 0)
    if start:
        ranged = Environment()
        first, second = ranged.free_port(), ranged.free_port()
        assert ranged.port_start <= first < second <= ranged.port_end


def test_a_range_runs_out():
    env = Environment(port_start=1, port_end=1)  # port 1 needs privileges or is taken: nothing to hand out
    env._taken.add(1)
    with pytest.raises(PortsExhausted):
        env.free_port()


def test_wait_for_condition():
    calls = []
    assert wait_for_condition(lambda: calls.append(1) or len(calls) >= 3, timeout=5)
    assert not wait_for_condition(lambda: False, timeout=0.05)
