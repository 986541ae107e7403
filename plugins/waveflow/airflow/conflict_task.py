"""A person resolves a wave's merge conflict (`resolve_conflicts: person`): Airflow's approval task shows what
conflicted and what to do; the integration after it goes on from the branch the person pushed.

The approval skips itself when the wave's integration met no conflict: nobody is asked, and the integration after it
skips too. A rejection (or no answer within the response time-out) fails it, and the wave's integration with it: the
run must not pass with the wave's branches never merged.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.standard.operators.hitl import ApprovalOperator
from airflow.sdk.exceptions import AirflowSkipException

from ..runner.result import EffortResult


class ConflictApprovalOperator(ApprovalOperator):
    ui_color = "#fde2d8"

    def __init__(self, *, integration_task: str, **kwargs: Any) -> None:
        # A placeholder body: the conflict is known only once the integration has run (`execute` writes it).
        super().__init__(body="The wave's integration has not met a conflict yet.", fail_on_reject=True, **kwargs)
        self.integration_task = integration_task

    def execute(self, context: Any) -> Any:
        value = context["ti"].xcom_pull(task_ids=self.integration_task, key="return_value")
        result = EffortResult.model_validate(value) if value else None
        if result is None or not result.awaiting_person:
            raise AirflowSkipException("the wave's integration met no conflict: nothing for a person to resolve")
        self.body = conflict_body(result)
        return super().execute(context)


def conflict_body(result: EffortResult) -> str:
    """What the person reads: each conflicting file and the efforts whose branches changed it, what merged cleanly,
    and the steps to take (the runner's own words)."""
    lines = [result.awaiting_person or "", "", "**Conflicting files:**"]
    lines += [f"- `{c.file}`: {' and '.join(c.efforts)}" for c in result.conflicts]
    if result.merged:
        lines += ["", f"**Merged cleanly into `{result.branch}` before it:**"]
        lines += [f"- {m.effort} (`{m.branch}` at `{m.commit[:8]}`)" for m in result.merged]
    lines += [
        "",
        "Approve once the resolution is pushed; reject to fail the wave's integration (the later waves do not start).",
    ]
    return "\n".join(lines)
