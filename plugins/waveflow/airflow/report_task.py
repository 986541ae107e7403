"""The run report task and `run_outcome`, the task that gives the run its final state.

Both judge the efforts' results as they are when they run, with the gates' own functions. A clear with "only failed"
re-runs a failed effort and `run_outcome` but leaves the report (and gates that passed) as they were: `run_outcome`
then finds the report written from other results than the current ones and writes it again, so the report and the
run's state always speak of the same results.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowFailException

from ..gates.outcome import GateOutcome
from ..gates.registry import evaluate_gates
from ..plan.model import Plan, integration_id
from ..runner.result import EffortResult
from .assets import announce_landed, landed_alias
from .person_integration import after_people
from .run_results import FAILED_STATES, effort_states, judgement_key, pull_results, task_states
from .status import run_finished, status_log
from .storage import location, run_root


class ClosingOperator(BaseOperator):
    """A task at the end of the run: it reads every effort's result and judges every gate."""

    def __init__(
        self,
        *,
        plan: Plan,
        effort_tasks: Mapping[str, str],
        integration_tasks: Mapping[int, str] | None = None,
        person_tasks: Mapping[int, tuple[str, str]] | None = None,
        review_task: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.plan, self.effort_tasks, self.review_task = plan, dict(effort_tasks), review_task
        # Keyed by the runner's id of each wave's integration, as efforts are keyed by theirs.
        self.integration_tasks = {integration_id(w): t for w, t in (integration_tasks or {}).items()}
        self.person_tasks = dict(person_tasks or {})

    def pull_requests(self, context: Any) -> list[dict[str, Any]] | None:
        """What the review task opened or wrote; None when the plan asks for none, or the task left nothing."""
        if not self.review_task:
            return None
        value = context["ti"].xcom_pull(task_ids=self.review_task, key="return_value")
        return list(value) if isinstance(value, list) else None

    def integrations(self, context: Any) -> tuple[dict[str, EffortResult | None], dict[str, str]]:
        """Each wave's integration result (left out when it did not run) and its task's state."""
        if not self.integration_tasks:
            return {}, {}
        results, _ = pull_results(context, self.integration_tasks)
        states = effort_states(context, self.integration_tasks)
        after_people(context, results, states, self.person_tasks)
        return results, states

    def judge(self, context: Any) -> tuple[dict[str, EffortResult | None], dict[str, str], list[GateOutcome]]:
        results, problems = pull_results(context, self.effort_tasks)
        return results, problems, evaluate_gates(self.plan, results)

    def write_report(
        self,
        context: Any,
        results: dict[str, EffortResult | None],
        problems: dict[str, str],
        outcomes: list[GateOutcome],
    ) -> dict[str, str]:
        from ..gates.report import write_report
        from ..gates.report_model import RunInfo

        states = effort_states(context, self.effort_tasks)
        integrations, integration_states = self.integrations(context)
        log = status_log(context)
        run = RunInfo(
            dag_id=context["dag"].dag_id,
            run_id=context["run_id"],
            ui_base_url=os.environ.get("WAVEFLOW_UI_BASE_URL", ""),
            effort_states=states,
            problems=problems,
            task_ids=self.effort_tasks,
            status_log=log.location,
            integrations=integrations,
            integration_states=integration_states,
            pull_requests=self.pull_requests(context),
        )
        for outcome in outcomes:
            log.append("gate", metric=outcome.metric, verdict=outcome.verdict, detail=outcome.summary())
        paths = write_report(self.plan, run, results, outcomes, run_root(run.dag_id, run.run_id))
        self.log.info("report written: %s and %s", paths.html, paths.markdown)
        where = {"html": location(paths.html), "markdown": location(paths.markdown)}
        return {**where, "judged": judgement_key(results, states)}


class ReportOperator(ClosingOperator):
    ui_color = "#f3eefb"

    def execute(self, context: Any) -> dict[str, str]:
        return self.write_report(context, *self.judge(context))


class RunOutcomeOperator(ClosingOperator):
    """Fails the run when an effort failed or an enforced gate failed, saying which; the only leaf of the DAG."""

    ui_color = "#fbeeee"

    def __init__(self, *, plan: Plan, effort_tasks: Mapping[str, str], report_task: str, **kwargs: Any):
        kwargs.setdefault("outlets", [landed_alias(plan.name)])
        super().__init__(plan=plan, effort_tasks=effort_tasks, **kwargs)
        self.report_task = report_task

    def execute(self, context: Any) -> None:
        from ..gates.report_model import no_work

        results, problems, outcomes = self.judge(context)
        efforts = effort_states(context, self.effort_tasks)
        written = context["ti"].xcom_pull(task_ids=self.report_task, key="return_value") or {}
        if written.get("judged") != judgement_key(results, efforts):
            self.log.warning(
                "the report was written from other effort results than the current ones (a clear that left the "
                "report out re-ran an effort): writing it again from the current results"
            )
            self.write_report(context, results, problems, outcomes)
        failed_efforts = [e for e, state in efforts.items() if state in FAILED_STATES]
        enforce = (context.get("params") or {}).get("enforce_gates", True)
        failed_gates = [o.metric for o in outcomes if not o.passed] if enforce else []
        problems_seen = []
        if failed_efforts:
            problems_seen.append(f"efforts failed: {', '.join(failed_efforts)}")
        if failed_gates:
            problems_seen.append(f"gates failed: {', '.join(failed_gates)}")
        integrations, integration_states = self.integrations(context)
        failed_integrations = [
            f"{i} ({r.failure_reason})" if (r := integrations.get(i)) and r.failure_reason else i
            for i, state in integration_states.items()
            if state in FAILED_STATES
        ]
        if failed_integrations:
            problems_seen.append(f"integrations failed: {'; '.join(failed_integrations)}")
        if self.review_task and task_states(context, [self.review_task])[self.review_task] in FAILED_STATES:
            problems_seen.append("the pull requests could not be opened (see the review task's log)")
        if idle := no_work(results):
            problems_seen.append(idle)
        if problems_seen:
            run_finished(context, "failed", "; ".join(problems_seen))
            raise AirflowFailException("; ".join(problems_seen) + " (the report says why)")
        announce_landed(context, self.plan, efforts, {o.metric: o.passed for o in outcomes})
        run_finished(context, "succeeded", "every selected effort succeeded, every enforced gate passed")
        self.log.info("every selected effort succeeded and every enforced gate passed")
