"""A quality gate's task: it judges the efforts' results of this run against the gate's target.

Gates run whatever the efforts did (trigger rule ALL_DONE): a report of a failed run matters most. The run still ends
failed when an enforced gate failed, because `run_outcome` fails then.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowFailException

from ..gates.registry import evaluate_gate
from ..plan.model import Plan
from .run_results import pull_results


class GateOperator(BaseOperator):
    ui_color = "#eef0fb"

    def __init__(self, *, plan: Plan, gate_index: int, effort_tasks: Mapping[str, str], **kwargs: Any):
        super().__init__(**kwargs)
        self.plan, self.gate_index, self.effort_tasks = plan, gate_index, dict(effort_tasks)

    def execute(self, context: Any) -> dict[str, Any]:
        gate = self.plan.gates[self.gate_index]
        results, problems = pull_results(context, self.effort_tasks)
        for effort_id, why in problems.items():
            self.log.error("effort %s: %s", effort_id, why)
        outcome = evaluate_gate(self.plan, gate, results)
        self.log.info("%s (target %s)\n%s", gate.metric, gate.target, outcome.table())
        enforce = (context.get("params") or {}).get("enforce_gates", True)
        if not outcome.passed and enforce:
            raise AirflowFailException(f"gate {gate.metric} failed: {outcome.summary()}")
        if not outcome.passed:
            self.log.warning("gate %s failed, not enforced in this run: %s", gate.metric, outcome.summary())
        return {"metric": gate.metric, "passed": outcome.passed, "summary": outcome.summary()}
