from __future__ import annotations

import pytest

from waveflow.plan.load import read_plan, read_text
from waveflow.plan.schedule import estimate, explain, topological_order


@pytest.fixture
def phase10(repo_root):
    return read_plan(repo_root / "include/plans/phase10.yaml")


def test_phase10_halves_to_a_day_and_a_half(phase10):
    est = estimate(phase10)
    assert est.critical_path == ["10.1.1", "10.2.1"]
    assert est.critical_hours == pytest.approx(5 + 7)
    assert est.parallel_hours == pytest.approx(12)
    assert est.sequential_hours == pytest.approx(5 + 7 * (650 + 550 + 600 + 500) / 650)
    text = explain(phase10, est)
    assert "5.00 + 7.00 = 12.00 h" in text
    assert "= 1.50 days of 8 h" in text


def test_fewer_agents_stretch_the_wave(phase10):
    one = estimate(phase10, agents=1)
    assert one.parallel_hours == pytest.approx(one.sequential_hours)
    assert "Parallel (1 agent, waves in order)" in explain(phase10, one)
    two = estimate(phase10, agents=2)
    assert one.parallel_hours > two.parallel_hours > estimate(phase10, agents=4).parallel_hours


def test_dependencies_inside_a_wave_chain_up():
    plan = read_text(
        "name: p\nwaves: [{number: 1}, {number: 2}]\nefforts:\n"
        "  - {id: c, name: C, wave: 1, lines: 100, depends_on: [b]}\n"
        "  - {id: b, name: B, wave: 1, lines: 200}\n"
        "  - {id: a, name: A, wave: 1, lines: 100}\n"
        "  - {id: d, name: D, wave: 2}\n",
        "p.yaml",
    )
    assert topological_order(plan) == ["b", "c", "a", "d"]  # ready efforts in document order
    est = estimate(plan, agents=8)
    assert est.critical_path == ["b", "c", "d"]
    assert est.critical_hours == pytest.approx(2 + 1 + 4)  # 100 lines/h, 4 h for an unsized effort
    assert est.starts["d"] == pytest.approx(3)


def test_cycle_is_refused():
    plan = read_text(
        "name: p\nwaves: [{number: 1}]\nefforts:\n"
        "  - {id: a, name: A, wave: 1, depends_on: [b]}\n  - {id: b, name: B, wave: 1, depends_on: [a]}\n",
        "p.yaml",
    )
    with pytest.raises(ValueError, match="cycle"):
        topological_order(plan)
