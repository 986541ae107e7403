"""A wave's integration as it ended when a person was asked to resolve its conflict: the integration after their
resolution is the wave's result, and the conflict it met first says who resolved it. Read by the report, the review
and `run_outcome`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..plan.model import integration_id
from ..runner.result import EffortResult
from .run_results import FAILED_STATES, pull_results, task_states


def after_people(
    context: Any,
    results: dict[str, EffortResult | None],
    states: dict[str, str],
    people: Mapping[int, tuple[str, str]],
) -> None:
    """Replace, in place, each wave's first integration by how it ended: the integration after the person's
    resolution when one ran; else, when the first stopped at a conflict, a failure saying the approval's end."""
    for wave, (approval, resolved) in people.items():
        key = integration_id(wave)
        first = results.get(key)
        if first is None or not first.awaiting_person:
            continue  # no conflict: nobody was asked, and the first integration is the wave's
        ended = task_states(context, [approval, resolved])
        person = _responder(context, approval) or "a person"
        after, _ = pull_results(context, {key: resolved})
        final = after.get(key) if ended[resolved] != "skipped" else None
        if final is not None:
            said = f"resolved by {person}" if final.status == "succeeded" else f"approved by {person}, still failing"
            left = [c.model_copy(update={"resolution": said}) for c in first.conflicts]
            results[key] = final.model_copy(update={"conflicts": [*left, *final.conflicts]})
            states[key] = ended[resolved]
            continue
        left = [c.model_copy(update={"resolution": "left for a person, not resolved"}) for c in first.conflicts]
        why = (
            "the person's approval was rejected or timed out"
            if ended[approval] in FAILED_STATES
            else f"the integration after the person's resolution ended {ended[resolved]}"
        )
        results[key] = first.model_copy(
            update={"status": "failed", "failed_step": "merge", "failure_reason": why, "conflicts": left}
        )
        states[key] = "failed"


def _responder(context: Any, approval: str) -> str | None:
    """Who answered the approval, as Airflow recorded them; None when nobody approved."""
    answer = context["ti"].xcom_pull(task_ids=approval, key="return_value")
    if not isinstance(answer, dict) or "Approve" not in (answer.get("chosen_options") or []):
        return None
    user = answer.get("responded_by_user") or {}
    name = user.get("name") if isinstance(user, dict) else None
    return f"a person ({name})" if name else "a person"
