"""The run report task and `run_outcome`, the task that gives the run its final state."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowFailException

from ..gates.registry import evaluate_gates
from ..plan.model import Plan
from .assets import announce_landed, landed_alias
from .paths import reports_root
from .run_results import FAILED_STATES, effort_states, pull_results, task_states
from .status import run_finished, status_log


class _ClosingOperator(BaseOperator):
    """A task at the end of the run: it reads every effort's and every gate's outcome."""

    def __init__(self, *, plan: Plan, effort_tasks: Mapping[str, str], gate_tasks: Sequence[str], **kwargs: Any):
        super().__init__(**kwargs)
        self.plan, self.effort_tasks, self.gate_tasks = plan, dict(effort_tasks), list(gate_tasks)


class ReportOperator(_ClosingOperator):
    ui_color = "#f3eefb"

    def execute(self, context: Any) -> dict[str, str]:
        from ..gates.report import write_report
        from ..gates.report_model import RunInfo

        results, problems = pull_results(context, self.effort_tasks)
        outcomes = evaluate_gates(self.plan, results)
        states = effort_states(context, self.effort_tasks)
        run = RunInfo(
            dag_id=context["dag"].dag_id,
            run_id=context["run_id"],
            ui_base_url=os.environ.get("WAVEFLOW_UI_BASE_URL", ""),
            effort_states=states,
            problems=problems,
            task_ids=self.effort_tasks,
            status_log=str(status_log(context).path),
        )
        out_dir = reports_root() / run.dag_id / run.run_id
        log = status_log(context)
        for outcome in outcomes:
            log.append("gate", metric=outcome.metric, verdict=outcome.verdict, detail=outcome.summary())
        paths = write_report(self.plan, run, results, outcomes, out_dir)
        self.log.info("report written: %s and %s", paths.html, paths.markdown)
        return {"html": str(paths.html), "markdown": str(paths.markdown)}


class RunOutcomeOperator(_ClosingOperator):
    """Fails the run when an effort failed or an enforced gate failed, saying which; the only leaf of the DAG."""

    ui_color = "#fbeeee"

    def __init__(self, *, plan: Plan, effort_tasks: Mapping[str, str], gate_tasks: Sequence[str], **kwargs: Any):
        kwargs.setdefault("outlets", [landed_alias(plan.name)])
        super().__init__(plan=plan, effort_tasks=effort_tasks, gate_tasks=gate_tasks, **kwargs)

    def execute(self, context: Any) -> None:
        efforts = effort_states(context, self.effort_tasks)
        failed_efforts = [e for e, state in efforts.items() if state in FAILED_STATES]
        gates = task_states(context, self.gate_tasks)
        failed_gates = [t.split(".")[-1] for t in self.gate_tasks if gates[t] == "failed"]
        problems = []
        if failed_efforts:
            problems.append(f"efforts failed: {', '.join(failed_efforts)}")
        if failed_gates:
            problems.append(f"gates failed: {', '.join(failed_gates)}")
        if problems:
            run_finished(context, "failed", "; ".join(problems))
            raise AirflowFailException("; ".join(problems) + " (the report says why)")
        announce_landed(context, self.plan, efforts, self.gate_tasks)
        run_finished(context, "succeeded", "every selected effort succeeded, every enforced gate passed")
        self.log.info("every selected effort succeeded and every enforced gate passed")
