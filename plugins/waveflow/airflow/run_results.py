"""What the tasks of this run ended as, and the efforts' results: read by the gates, the report, `run_outcome` and
an effort waiting for its turn."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ..runner.result import EffortResult

FAILED_STATES = {"failed", "upstream_failed"}


def task_states(context: Mapping[str, Any], task_ids: Sequence[str]) -> dict[str, str]:
    """task id -> its state in this run, lower case; "none" for a task that has none yet."""
    ti = context["ti"]
    states = ti.get_task_states(dag_id=ti.dag_id, task_ids=list(task_ids), run_ids=[ti.run_id])
    by_task = states.get(ti.run_id, states)
    return {t: str(by_task.get(t) or "none").lower() for t in task_ids}


def effort_states(context: Mapping[str, Any], effort_tasks: Mapping[str, str]) -> dict[str, str]:
    """effort id -> its task's state in this run."""
    states = task_states(context, list(effort_tasks.values()))
    return {e: states[t] for e, t in effort_tasks.items()}


def pull_results(
    context: Mapping[str, Any], effort_tasks: Mapping[str, str]
) -> tuple[dict[str, EffortResult | None], dict[str, str]]:
    """Results of the efforts that took part in this run (skipped ones are left out, as the gates expect); a missing
    or unreadable one becomes None, with the reason among the problems."""
    ti = context["ti"]
    states = effort_states(context, effort_tasks)
    results: dict[str, EffortResult | None] = {}
    problems: dict[str, str] = {}
    for effort_id, task in effort_tasks.items():
        if states[effort_id] == "skipped":
            continue
        value = ti.xcom_pull(task_ids=task, key="return_value")
        if value is None:
            results[effort_id] = None
            if states[effort_id] in FAILED_STATES:
                problems[effort_id] = f"no result: the task ended {states[effort_id]}"
            continue
        try:
            results[effort_id] = EffortResult.model_validate(value)
        except ValidationError as exc:
            results[effort_id] = None
            problems[effort_id] = f"unreadable result: {exc.errors()[0]['msg']} ({exc.error_count()} problems)"
    return results, problems


def judgement_key(results: Mapping[str, EffortResult | None], states: Mapping[str, str]) -> str:
    """Names the effort results and states a report was judged from: equal keys, equal judgements."""
    seen = {e: [states.get(e), r.model_dump(mode="json") if r else None] for e, r in results.items()}
    seen |= {e: [s, None] for e, s in states.items() if e not in seen}
    return hashlib.sha256(json.dumps(seen, sort_keys=True, default=str).encode()).hexdigest()[:16]
