"""Effort pod tasks built the way the DAG factory builds them, and their pods rendered offline by the provider."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from kubernetes.client import ApiClient

from waveflow.plan.model import Effort, Plan, task_id
from waveflow.runner.contract import RunnerInputs

REPO = "https://git.example.test/team/product.git"


def runner_env(plan: Plan, effort: Effort) -> dict[str, str]:
    """What the factory hands the backend: the runner's inputs, the base ref and run id left to Jinja."""
    return RunnerInputs(
        plan=plan.name,
        effort=effort.id,
        repo=REPO,
        branch=plan.branch_of(effort),
        base_ref="{{ params.base_ref }}",
        run_id="{{ run_id }}",
        dependency_branches=[plan.branch_of(plan.effort(d)) for d in effort.depends_on],
        implement=list(effort.commands.implement or plan.defaults.commands.implement or []),
        test=list(plan.defaults.commands.test),
        port_start=effort.ports.start if effort.ports else None,
        port_end=effort.ports.end if effort.ports else None,
        namespace=effort.namespace or "",
    ).to_env()


def effort_task(plan: Plan, effort: Effort, **operator_kwargs: Any) -> Any:
    from waveflow.airflow.kpo import effort_pod_task

    return effort_pod_task(plan, effort, task_id=task_id(effort.id), env=runner_env(plan, effort), **operator_kwargs)


def render_pod(task: Any, params: dict[str, Any], run_id: str = "manual__2026-11-24T02:00:00+00:00") -> dict[str, Any]:
    """Jinja first, as a worker does before `execute`, then the provider's own pod building, then the API's JSON."""
    ti = SimpleNamespace(dag_id=task.dag_id, task_id=task.task_id, map_index=-1, try_number=1)
    context = {"params": params, "run_id": run_id, "ti": ti, "dag": task.dag}
    task.render_template_fields(context)
    pod = task.build_pod_request_obj(context, dry_run=True)
    serialized: dict[str, Any] = ApiClient().sanitize_for_serialization(pod)
    return serialized


def container(pod: dict[str, Any], name: str = "base") -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in pod["spec"]["containers"] if c["name"] == name)
    return found


def env_of(pod: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e.get("value", "") for e in container(pod).get("env") or []}
