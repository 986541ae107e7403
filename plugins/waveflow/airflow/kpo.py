"""The `kubernetes` effort backend: one KubernetesPodOperator per effort, running `waveflow run-effort` in a pod.

The runner reads every input from its environment (`waveflow.runner.contract`) and writes its result JSON to the
provider's xcom path, so the pod's `return_value` XCom is the same result the local backend pushes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import BaseOperator

from waveflow.airflow import pod_spec
from waveflow.airflow.effort_env import RETRY_BACKOFF, execution_timeout, retries
from waveflow.airflow.pod_security import container_security_context, pod_security_context
from waveflow.airflow.turns import before_effort
from waveflow.k8s.rbac import RUNNER_SERVICE_ACCOUNT
from waveflow.plan.model import Effort, Plan, slug

RUNNER_COMMAND = ["waveflow"]
RUNNER_ARGS = ["run-effort"]
# Pulling a runner image with a language toolchain on a cold node takes longer than the provider's 120 s default.
STARTUP_TIMEOUT_SECONDS = 600


class EffortPodOperator(KubernetesPodOperator):
    """A KubernetesPodOperator that first skips when the run's `efforts` param leaves its effort out, and in a
    `sequential` run waits for its turn."""

    def __init__(self, *, effort_id: str, turn_order: Sequence[str] = (), turn: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.effort_id, self.turn_order, self.turn = effort_id, turn_order, turn
        self._reentry_result: Any = None

    def execute(self, context: Any) -> Any:
        before_effort(context, self.effort_id, self.turn_order, self.turn, self.log)
        result = super().execute(context)
        # When the pod it reattaches to has already finished, the provider re-enters in line instead of deferring
        # and drops what `trigger_reentry` returned: the runner's result (apache/airflow#72821, open).
        return result if result is not None else self._reentry_result

    def trigger_reentry(self, context: Any, event: dict[str, Any]) -> Any:
        self._reentry_result = super().trigger_reentry(context, event)
        return self._reentry_result


def effort_pod_task(
    plan: Plan, effort: Effort, *, task_id: str, env: dict[str, str], **operator_kwargs: Any
) -> BaseOperator:
    """The effort's task on the `kubernetes` backend; `operator_kwargs` (pool, task group, ...) win over defaults.

    `env` is `RunnerInputs(...).to_env()`; its values may hold Jinja (`{{ params.base_ref }}`), which the provider
    renders, as it renders the image and labels.
    """
    kwargs: dict[str, Any] = {
        **plan_pod_kwargs(plan),
        "execution_timeout": execution_timeout(plan, effort),
        "retries": retries(plan, effort),
        "retry_exponential_backoff": RETRY_BACKOFF,
    }
    timeout = operator_kwargs.get("execution_timeout", kwargs["execution_timeout"])
    kwargs.update(effort_pod_kwargs(plan, effort, env, timeout))
    kwargs.update(operator_kwargs)
    if kwargs["retry_exponential_backoff"] is True:
        kwargs["retry_exponential_backoff"] = RETRY_BACKOFF
    return EffortPodOperator(task_id=task_id, **kwargs)


def plan_pod_kwargs(plan: Plan) -> dict[str, Any]:
    """What every effort pod of the plan has alike."""
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


def effort_pod_kwargs(plan: Plan, effort: Effort, env: dict[str, str], timeout: timedelta | None) -> dict[str, Any]:
    """What is the effort's own in its pod; `timeout` is its task's execution timeout."""
    namespace = pod_spec.namespace_of(plan, effort)
    kwargs: dict[str, Any] = {
        "effort_id": effort.id,
        "namespace": namespace,
        "name": slug(f"{plan.name}-{effort.id}"),
        "labels": pod_spec.pod_labels(plan, effort),
        "annotations": pod_spec.pod_annotations(plan, effort),
        "image": pod_spec.image_template(plan, effort),
        "env_vars": pod_spec.pod_env(env, namespace),
        "container_resources": pod_spec.container_resources(plan, effort),
    }
    if timeout is not None:
        # The cluster enforces the same limit, even when no Airflow component is alive to do it.
        kwargs["active_deadline_seconds"] = int(timeout.total_seconds())
    return kwargs
