"""Plan file -> validated Plan, failing with every problem at once (the text Airflow shows as the import error)."""

from __future__ import annotations

from pathlib import Path

from ..plan.errors import PlanError, Problem
from ..plan.load import read_plan
from ..plan.model import Plan, gate_key
from ..plan.validate import validate


class PlanImportError(Exception):
    """Raised at parse time; Airflow lists it under the DAG file's import errors, one `path:line` per line."""


def _gate_problems(plan: Plan) -> list[Problem]:
    from ..gates.registry import gate_problems
    from .plan_spec import gate_task_id

    problems = gate_problems(plan)
    # Each gate is a task named after its metric: two metrics with one task id would not build.
    first: dict[str, str] = {}
    for index, gate in enumerate(plan.gates):
        tid = gate_task_id(gate.metric)
        if tid in first:
            line = plan.source.line(f"{gate_key(index)}/metric")
            why = f"gate {gate.metric!r} has the task id {tid!r} of gate {first[tid]!r}: name one metric differently"
            problems.append(Problem(plan.source.path, line, "error", why))
        first.setdefault(tid, gate.metric)
    return problems


def load_valid_plan(path: Path) -> Plan:
    try:
        plan = read_plan(path)
    except PlanError as exc:
        raise PlanImportError(_message(path, [str(p) for p in exc.problems])) from None
    problems = validate(plan) + _gate_problems(plan)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise PlanImportError(_message(path, [str(p) for p in problems]))
    return plan


def _message(path: Path, lines: list[str]) -> str:
    return f"wave plan {path} is invalid:\n" + "\n".join(lines)
