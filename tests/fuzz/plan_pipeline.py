"""One plan text through everything that reads plans: the reader its suffix picks, the validator, and the factory entry
the generated DAG files call (`plan_dag`). Anything but the project's own errors, or a problem without a place, fails."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from waveflow.plan.errors import PlanError, Problem
from waveflow.plan.load import read_text
from waveflow.plan.validate import validate

# What came out, over every example of a session: printed by the conftest so the figures in docs come from a run.
OUTCOMES: Counter[str] = Counter()


def assert_located(problems: list[Problem], path: str) -> None:
    assert problems, "a refusal must say why"
    for p in problems:
        assert p.path == path, p
        assert isinstance(p.line, int) and p.line >= 1, f"no line for: {p}"
        assert "\n" not in p.message, f"one problem, one line: {p.message!r}"


def assert_import_error_located(message: str, plan_file: Path) -> None:
    """`wave plan X is invalid:` then one `path:line: severity: message` per line (Airflow shows it as it is)."""
    head, *lines = message.split("\n")
    assert head == f"wave plan {plan_file} is invalid:", head
    assert lines, "an import error must list the problems"
    for line in lines:
        where, _, rest = line.partition(": ")
        path, _, number = where.rpartition(":")
        assert path == str(plan_file) and number.isdigit(), f"no location: {line!r}"
        assert rest.split(":", 1)[0] in ("error", "warning"), line


@contextmanager
def plans_dir(path: Path) -> Iterator[Path]:
    """Point the factory at `path` for plans and the local backend (hypothesis examples share one directory)."""
    saved = {k: os.environ.get(k) for k in ("WAVEFLOW_PLANS_DIR", "WAVEFLOW_BACKEND")}
    os.environ.update(WAVEFLOW_PLANS_DIR=str(path), WAVEFLOW_BACKEND="local")
    try:
        yield path
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def through_everything(text: str, name: str, plans: Path) -> str:
    """Returns how the plan ended: `refused by the reader`, `invalid`, or `built` (a DAG came out of the factory)."""
    from waveflow.airflow.factory import plan_dag
    from waveflow.airflow.loading import PlanImportError

    try:
        plan = read_text(text, name)
    except PlanError as exc:
        assert_located(exc.problems, name)
        read = "refused by the reader"
    else:
        problems = validate(plan)
        for p in problems:
            assert_located([p], name)
        read = "invalid" if any(p.severity == "error" for p in problems) else "valid"
    # Bytes, not text: the factory must see exactly what the reader saw (no newline translation).
    (plans / name).write_bytes(text.encode("utf-8"))
    try:
        dag = plan_dag(name)
    except PlanImportError as exc:
        assert_import_error_located(str(exc), plans / name)
        outcome = read if read != "valid" else "refused by the factory (gates)"
    else:
        assert read == "valid", f"the factory built a DAG of a plan the validator refused ({read})"
        assert dag.dag_id == plan.name and dag.task_dict, dag
        outcome = "built"
    OUTCOMES[f"{Path(name).suffix[1:]}: {outcome}"] += 1
    return outcome
