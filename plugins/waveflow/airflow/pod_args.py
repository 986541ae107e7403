"""The constructor arguments of an effort's KubernetesPodOperator, as plain data (no Airflow import).

The runner reads every input from its environment (`waveflow.runner.contract`) and writes its result JSON to the
provider's xcom path, so the pod's `return_value` XCom is the same result the local backend pushes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..k8s.rbac import RUNNER_SERVICE_ACCOUNT
from ..plan.model import Effort, Plan, slug
from . import pod_spec
from .pod_security import container_security_context, pod_security_context

RUNNER_COMMAND = ["waveflow"]
RUNNER_ARGS = ["run-effort"]
# Pulling a runner image with a language toolchain on a cold node takes longer than the provider's 120 s default.
STARTUP_TIMEOUT_SECONDS = 600


def plan_pod_args(plan: Plan) -> dict[str, Any]:
    """What every effort pod of the plan has alike (each task gets its own copy: nothing is shared between tasks)."""
    volume, mount = pod_spec.workspace_volume()
    return {
        "cmds": list(RUNNER_COMMAND),
        "arguments": list(RUNNER_ARGS),
        "env_from": pod_spec.git_credentials(plan),
        "volumes": [volume],
        "volume_mounts": [mount],
        "security_context": pod_security_context(),
        "container_security_context": container_security_context(),
        "xcom_sidecar_container_security_context": container_security_context(),
        # The identity `waveflow k8s` creates in every effort namespace, bound to nothing: the runner talks to the
        # git remote, never to the Kubernetes API, so no token is mounted either.
        "service_account_name": RUNNER_SERVICE_ACCOUNT,
        "automount_service_account_token": False,
        "pod_template_file": pod_spec.pod_template_file(),
        "deferrable": True,
        # Airflow 3.3's successor of `reattach_on_restart`: the pod's identity is kept in the task state store, so
        # a restarted worker or triggerer reconnects to the running pod instead of starting a second one.
        "durable": True,
        "on_finish_action": "delete_succeeded_pod",
        "do_xcom_push": True,
        # The tail of the runner's log becomes the failure message when it dies without writing one.
        "termination_message_policy": "FallbackToLogsOnError",
        "log_events_on_failure": True,
        "startup_timeout_seconds": STARTUP_TIMEOUT_SECONDS,
    }


def effort_pod_args(plan: Plan, effort: Effort, env: dict[str, str], timeout: timedelta) -> dict[str, Any]:
    """What is the effort's own in its pod; `timeout` is its task's execution timeout."""
    namespace = pod_spec.namespace_of(plan, effort)
    return {
        "namespace": namespace,
        "name": slug(f"{plan.name}-{effort.id}"),
        "labels": pod_spec.pod_labels(plan, effort),
        "annotations": pod_spec.pod_annotations(plan, effort),
        "image": pod_spec.image_template(plan, effort),
        "env_vars": pod_spec.pod_env(env, namespace),
        "container_resources": pod_spec.container_resources(plan, effort),
        # The cluster enforces the same limit, even when no Airflow component is alive to do it.
        "active_deadline_seconds": int(timeout.total_seconds()),
    }
