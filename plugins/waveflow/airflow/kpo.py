"""The `kubernetes` effort backend: one KubernetesPodOperator per effort, running `waveflow run-effort` in a pod
(its arguments: `pod_args`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk.exceptions import AirflowException

from waveflow.airflow.local import failure
from waveflow.airflow.turns import before_effort


class EffortPodOperator(KubernetesPodOperator):
    """A KubernetesPodOperator that first skips when the run's `efforts` param leaves its effort out, and in a
    `sequential` run waits for its turn."""

    def __init__(self, *, effort_id: str, turn_order: Sequence[str] = (), turn: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.effort_id, self.turn_order, self.turn = effort_id, turn_order, turn
        self._reentry_result: Any = None

    def execute(self, context: Any) -> Any:
        before_effort(context, self.effort_id, self.turn_order, self.turn, self.log)
        try:
            result = super().execute(context)
        except AirflowException as exc:
            raise self._failure(context) or exc from None
        # When the pod it reattaches to has already finished, the provider re-enters in line instead of deferring
        # and drops what `trigger_reentry` returned: the runner's result (apache/airflow#72821, open).
        return result if result is not None else self._reentry_result

    def trigger_reentry(self, context: Any, event: dict[str, Any]) -> Any:
        try:
            self._reentry_result = super().trigger_reentry(context, event)
        except AirflowException as exc:
            raise self._failure(context) or exc from None
        return self._reentry_result

    def _failure(self, context: Any) -> AirflowException | None:
        """A failed pod whose runner wrote its result: fail as the local backend does (no retry of a failing test
        or a merge conflict). A pod lost before it wrote one is the provider's failure, retried."""
        result = context["ti"].xcom_pull(task_ids=self.task_id, key="return_value")
        if not isinstance(result, dict) or result.get("status") != "failed":
            return None
        return failure(self.effort_id, result)
