"""Effort pod tasks taken from the DAG the factory builds, and their pods rendered offline by the provider."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from kubernetes.client import ApiClient

from waveflow.plan.model import Plan

REPO = "https://git.example.test/team/product.git"


def factory_dag(plan: Plan) -> Any:
    """The DAG the factory builds for `plan` on the kubernetes backend, with its repository at `REPO`."""
    from waveflow.airflow.factory import build_dag

    return build_dag(plan.model_copy(update={"backend": "kubernetes", "repo": REPO}), Path(plan.source.path))


def effort_task(plan: Plan, effort_id: str) -> Any:
    """The effort's task in the factory's DAG of `plan`."""
    from waveflow.airflow.plan_spec import effort_task_id

    return factory_dag(plan).get_task(effort_task_id(plan.effort(effort_id)))


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


# Phase 10's pods: its five efforts and its two waves' integrations.
PHASE10_JOBS = ["10.1.1", "10.2.1", "10.2.2", "10.2.3", "10.2.4", "integration-wave-1", "integration-wave-2"]
