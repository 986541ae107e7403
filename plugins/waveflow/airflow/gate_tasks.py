"""The `quality_gates` group: a task per gate, the report, and the task that gives the run its final state.

They run whatever the efforts did (trigger rule ALL_DONE): a report of a failed run matters most. The run still ends
failed when an effort failed or an enforced gate failed, because `run_outcome`, the run's only leaf, fails then.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator, TaskGroup, TriggerRule
from airflow.sdk.exceptions import AirflowFailException
from pydantic import ValidationError

from ..gates.registry import evaluate_gate
from ..plan.model import Plan
from ..runner.result import EffortResult

FAILED_STATES = {"failed", "upstream_failed"}


def gate_task_id(metric: str) -> str:
    return "gate_" + (re.sub(r"[^a-z0-9]+", "_", metric.lower()).strip("_") or "custom")


class _ResultsMixin:
    """Pulls every effort's result JSON from XCom; a missing or unreadable one becomes None plus a reason."""

    plan: Plan
    effort_tasks: dict[str, str]

    def effort_states(self, context: Any) -> dict[str, str]:
        """effort id -> task state in this run."""
        ti = context["ti"]
        states = ti.get_task_states(dag_id=ti.dag_id, task_ids=list(self.effort_tasks.values()), run_ids=[ti.run_id])
        by_task = states.get(ti.run_id, states)
        return {e: str(by_task.get(t) or "none").lower() for e, t in self.effort_tasks.items()}

    def pull_results(self, context: Any) -> tuple[dict[str, EffortResult | None], dict[str, str]]:
        """Results of the efforts that took part in this run (skipped ones are left out, as the gates expect)."""
        ti = context["ti"]
        states = self.effort_states(context)
        results: dict[str, EffortResult | None] = {}
        problems: dict[str, str] = {}
        for effort_id, task in self.effort_tasks.items():
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


class GateOperator(_ResultsMixin, BaseOperator):
    ui_color = "#eef0fb"

    def __init__(self, *, plan: Plan, gate_index: int, effort_tasks: Mapping[str, str], **kwargs: Any):
        super().__init__(**kwargs)
        self.plan, self.gate_index, self.effort_tasks = plan, gate_index, dict(effort_tasks)

    def execute(self, context: Any) -> dict[str, Any]:
        gate = self.plan.gates[self.gate_index]
        results, problems = self.pull_results(context)
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


def add_quality_gates(plan: Plan, effort_tasks: Mapping[str, str]) -> TaskGroup:
    from .report_task import ReportOperator, RunOutcomeOperator

    with TaskGroup("quality_gates", tooltip=f"{len(plan.gates)} quality gates, the report, the run's outcome") as group:
        gates = [
            GateOperator(
                task_id=gate_task_id(gate.metric),
                plan=plan,
                gate_index=i,
                effort_tasks=effort_tasks,
                trigger_rule=TriggerRule.ALL_DONE,
                retries=0,
                doc_md=f"**{gate.metric}**: target `{gate.target}` ({gate.measurement})",
            )
            for i, gate in enumerate(plan.gates)
        ]
        closing: dict[str, Any] = {
            "plan": plan,
            "effort_tasks": effort_tasks,
            "gate_tasks": [g.task_id for g in gates],
            "trigger_rule": TriggerRule.ALL_DONE,
            "retries": 0,
        }
        report = ReportOperator(task_id="report", **closing)
        outcome = RunOutcomeOperator(task_id="run_outcome", **closing)
        for g in gates:
            g >> report
        report >> outcome
    return group
