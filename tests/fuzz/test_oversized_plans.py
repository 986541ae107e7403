"""Oversized plans: a 10 MB file is refused at the line where it passes the limit, before it is parsed; 100,000
efforts are refused by size in YAML and read in markdown (the compact table fits under the size limit); the factory's
lookups grow linearly with the efforts."""

from __future__ import annotations

from pathlib import Path

import pytest

from waveflow.airflow.loading import PlanImportError
from waveflow.plan.errors import PlanError
from waveflow.plan.load import MAX_PLAN_BYTES, read_plan
from waveflow.plan.model import Plan
from waveflow.plan.validate import validate

TEN_MB = 10 * 1024 * 1024
MANY = 100_000


def yaml_plan(efforts: int) -> str:
    rows = "".join(f"- {{id: '{i}', name: e, wave: 1}}\n" for i in range(efforts))
    return f"name: big\nwaves: [{{number: 1}}]\nefforts:\n{rows}"


def markdown_plan(efforts: int) -> str:
    return "### Wave 1: W\n\n|Effort|Name|\n|---|---|\n" + "".join(f"|{i}|e|\n" for i in range(efforts))


def padded(text: str, size: int, comment: str) -> str:
    return text + comment * ((size - len(text)) // len(comment) + 1)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("ten.yaml", padded(yaml_plan(5), TEN_MB, "# padding padding padding\n")),
        ("ten.md", padded(markdown_plan(5), TEN_MB, "Some prose that goes on and on.\n")),
        ("many.yaml", yaml_plan(MANY)),
    ],
)
def test_plans_over_the_size_limit_are_refused_at_the_line_of_the_limit(plans, name, text):
    from waveflow.airflow.factory import plan_dag

    path = plans / name
    path.write_text(text, encoding="utf-8")
    size = path.stat().st_size
    assert size > MAX_PLAN_BYTES
    with pytest.raises(PlanError) as refused:
        read_plan(path)
    [problem] = refused.value.problems
    line = path.read_bytes()[:MAX_PLAN_BYTES].count(b"\n") + 1
    assert (problem.path, problem.line, problem.severity) == (str(path), line, "error")
    assert problem.message == f"plan is {size} bytes; the limit is {MAX_PLAN_BYTES}, reached on this line"
    with pytest.raises(PlanImportError, match=f"{path}:{line}: error: plan is {size} bytes"):
        plan_dag(name)


@pytest.mark.slow
def test_a_hundred_thousand_efforts_in_markdown_are_read_and_validated(plans):
    path = plans / "many.md"
    path.write_text(markdown_plan(MANY), encoding="utf-8")
    assert path.stat().st_size < MAX_PLAN_BYTES
    plan = read_plan(path)
    assert len(plan.efforts) == MANY and plan.efforts[-1].id == str(MANY - 1)
    problems = validate(plan)
    assert not [p for p in problems if p.severity == "error"]
    assert all(p.line is not None for p in problems)


def _lookups_to_build(efforts: int, plans: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    from waveflow.airflow.factory import build_dag

    path = plans / f"n{efforts}.md"
    path.write_text(markdown_plan(efforts), encoding="utf-8")
    plan = read_plan(path)
    calls = 0
    original = Plan.effort

    def counted(self: Plan, effort_id: str) -> object:
        nonlocal calls
        calls += 1
        return original(self, effort_id)

    monkeypatch.setattr(Plan, "effort", counted)
    build_dag(plan, path)
    return calls


def test_the_factory_looks_each_effort_up_a_linear_number_of_times(plans, monkeypatch):
    """It once looked every earlier effort up again for each effort: n(n+1)/2 lookups, 52 s for 1,000 efforts."""
    small, large = _lookups_to_build(50, plans, monkeypatch), _lookups_to_build(100, plans, monkeypatch)
    assert large <= 2.5 * max(small, 1), f"{small} lookups for 50 efforts, {large} for 100"
