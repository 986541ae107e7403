"""The effort tasks of one plan's DAG, on its backend: what every effort task has alike, and what is each one's own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseOperator, TriggerRule

from ..plan.model import Effort, Plan, task_id
from .effort_env import RETRY_BACKOFF, backend, execution_timeout, repo_credentials, retries, runner_env
from .pool import pool_name
from .stamp import Stamp
from .status import EffortStatus


class EffortTasks:
    """`tasks(effort, turn)` makes the effort's task in the current task group; `turn_order` is the run order of every
    effort task (one list, shared by all: each knows its place in it, its turn in a `sequential` run)."""

    def __init__(self, plan: Plan, turn_order: Sequence[str]) -> None:
        self.plan, self.local = plan, backend(plan) == "local"
        shared: dict[str, Any] = {
            "pool": pool_name(plan),
            # A skipped (unselected) dependency must not skip its dependents; a failed one still stops them.
            "trigger_rule": TriggerRule.NONE_FAILED,
            "retry_exponential_backoff": RETRY_BACKOFF,
            "turn_order": turn_order,
        }
        self.stamp: Stamp[BaseOperator]
        if self.local:
            from .local import LocalEffortOperator

            self.stamp = Stamp(LocalEffortOperator, {**shared, "credentials": repo_credentials(plan)})
        else:
            from .kpo import EffortPodOperator, plan_pod_kwargs

            self.stamp = Stamp(EffortPodOperator, {**plan_pod_kwargs(plan), **shared})

    def __call__(self, effort: Effort, turn: int) -> BaseOperator:
        plan = self.plan
        branch = plan.branch_of(effort)
        status = EffortStatus(effort.id, branch, effort.wave)
        timeout = execution_timeout(plan, effort)
        own: dict[str, Any] = {
            "effort_id": effort.id,
            "turn": turn,
            "execution_timeout": timeout,
            "retries": retries(plan, effort),
            "doc_md": f"**{effort.id}: {effort.name}** — branch `{branch}`",
            "on_execute_callback": status.started,
            "on_success_callback": status.succeeded,
            "on_failure_callback": status.failed,
        }
        env = runner_env(plan, effort)
        if self.local:
            own["env"] = env
        else:
            from .kpo import effort_pod_kwargs

            own.update(effort_pod_kwargs(plan, effort, env, timeout))
        return self.stamp(task_id=task_id(effort.id), **own)
