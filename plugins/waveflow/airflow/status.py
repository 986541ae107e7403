"""Status people can follow: the run's status log, failure notifications, and wave deadline alerts.

The status log is the seed's `phase10-status.log`, one per run beside its report: an append-only `status.log` file in
the local reports directory (`tail -f` it), or one object per event under the run's `status/` prefix on the shared
storage (WAVEFLOW_REPORTS_URL), merged into `status.log` when the run finishes. Notifications go through Airflow's
notifier interface: once per failed effort, once per finished run. WAVEFLOW_NOTIFY_URL names a webhook that receives
them as JSON; without it they are logged.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseNotifier
from airflow.sdk.definitions.callback import AsyncCallback
from airflow.sdk.definitions.deadline import DeadlineAlert, DeadlineReference

from ..status_log import StatusLog
from .selection import selected
from .status_events import StatusEvents
from .storage import StorageError, is_local, run_root

log = logging.getLogger(__name__)


def run_status(dag_id: str, run_id: str, writer: str) -> StatusLog | StatusEvents:
    """The run's status log where its storage is: `writer` names the appender in object names (tasks on several
    machines write at once there)."""
    root = run_root(dag_id, run_id)
    return StatusLog(root / "status.log") if is_local(root) else StatusEvents(root, writer)


def status_log(context: Any) -> StatusLog | StatusEvents:
    ti = context["ti"]
    mapped = f".{ti.map_index}" if getattr(ti, "map_index", -1) >= 0 else ""
    return run_status(context["dag"].dag_id, context["run_id"], f"{ti.task_id}{mapped}.try{ti.try_number}")


def _record(context: Any, event: str, once: str | None = None, **fields: object) -> None:
    """An event of a task callback. Airflow logs a callback's exception with its traceback and goes on: a storage
    that cannot be used is said in one line instead (the task itself fails on it with the same message)."""
    try:
        status_log(context).append(event, once=once, **fields)
    except StorageError as exc:
        log.error("status log not written: %s", exc)


class WaveflowNotifier(BaseNotifier):
    """Posts `message` to WAVEFLOW_NOTIFY_URL as JSON, or logs it when no URL is configured."""

    template_fields = ("message",)

    def __init__(self, message: str):
        super().__init__()
        self.message = message

    def notify(self, context: Any) -> None:
        url = os.environ.get("WAVEFLOW_NOTIFY_URL")
        if not url:
            log.warning("waveflow notification: %s", self.message)
            return
        import httpx

        try:
            httpx.post(url, json={"text": self.message, "run_id": context.get("run_id")}, timeout=10)
        except httpx.HTTPError as exc:  # a notification must never fail the task it reports on
            log.error("waveflow notification to the webhook failed (%s): %s", exc, self.message)


class EffortStatus:
    """Task callbacks of one effort: status log lines, and a notification when it has failed for good."""

    def __init__(self, effort_id: str, branch: str, wave: int):
        self.effort_id, self.branch, self.wave = effort_id, branch, wave

    def _ran(self, context: Any) -> bool:
        params = context.get("params") or {}
        return not params.get("dry_run") and selected(params, self.effort_id)

    def started(self, context: Any) -> None:
        if not self._ran(context):
            return
        _record(context, "wave started", once=f"wave-{self.wave}-started", wave=self.wave)
        _record(context, "effort started", effort=self.effort_id, branch=self.branch, wave=self.wave)

    def succeeded(self, context: Any) -> None:
        if not self._ran(context):
            return
        result = context["ti"].xcom_pull(task_ids=context["ti"].task_id) or {}
        _record(
            context,
            "effort finished",
            effort=self.effort_id,
            branch=self.branch,
            outcome="succeeded",
            memoized=result.get("memoized"),
        )

    def failed(self, context: Any) -> None:
        reason = str(context.get("exception") or "see the task log")
        _record(context, "effort finished", effort=self.effort_id, branch=self.branch, outcome="failed", reason=reason)
        WaveflowNotifier(f"{context['dag'].dag_id}: effort {self.effort_id} ({self.branch}) failed: {reason}")(context)


def wave_landed(context: Any, wave: int) -> None:
    status_log(context).append("wave complete", wave=wave)


def run_finished(context: Any, outcome: str, detail: str) -> None:
    run_log = status_log(context)
    run_log.append("run finished", outcome=outcome, detail=detail)
    if isinstance(run_log, StatusEvents):
        run_log.write_log()
    WaveflowNotifier(f"{context['dag'].dag_id} run {context['run_id']} finished: {outcome}: {detail}")(context)


async def wave_overrun(plan: str, wave: int, planned_hours: float, context: Any = None, **kwargs: Any) -> None:
    """Deadline callback (runs in the triggerer): a wave is still going past its planned end. The scheduler hands the
    run in `context`: the alert goes to that run's status log and through the notifier.

    Airflow drops a run's deadlines only when it succeeds, and each wave's comes due whatever the waves after it do:
    a run that already ended, or a wave whose `wave complete` is logged, has nothing overrunning."""
    run = (context or {}).get("dag_run") or {}  # the REST API's DAG run: `dag_id`, `dag_run_id`, `state`, ...
    run_id = run.get("dag_run_id")
    message = f"{plan} run {run_id}: wave {wave} is past its planned {planned_hours:g} h since the run was queued"
    log_file = run_status(str(run.get("dag_id") or plan), str(run_id), "deadline") if run_id else None
    if run.get("state", "running") != "running" or (log_file and _wave_completed(log_file, wave)):
        log.info("waveflow deadline: %s, but it is no longer running: no alert", message)
        return
    log.warning("waveflow deadline: %s", message)
    if log_file:
        log_file.append("wave overrun", wave=wave, planned_hours=f"{planned_hours:g}")
    # The webhook call blocks: off the triggerer's event loop, which other deferred tasks share.
    await asyncio.to_thread(WaveflowNotifier(message).notify, {"run_id": run_id})


def _wave_completed(log_file: StatusLog | StatusEvents, wave: int) -> bool:
    return any(line.endswith(f" wave complete wave={wave}") for line in log_file.lines())


def deadline_alerts(plan_name: str, deadlines: Sequence[tuple[int, float]]) -> list[DeadlineAlert]:
    """One alert per (wave, hours): due when the waves up to it have used their planned maximum durations.

    Off unless WAVEFLOW_DEADLINES=on: in Airflow 3.3, clearing a task of a DAG with a queued-at deadline fails with a
    TypeError (apache/airflow#70368, open), and clearing failed efforts is how a team reruns them; `dag.test()` cannot
    finish such a DAG either (it hands the alerts' definitions where the scheduler hands their database ids).
    """
    if os.environ.get("WAVEFLOW_DEADLINES", "off").lower() not in ("on", "1", "true"):
        return []
    return [
        DeadlineAlert(
            reference=DeadlineReference.DAGRUN_QUEUED_AT,
            interval=timedelta(hours=hours),
            callback=AsyncCallback(wave_overrun, kwargs={"plan": plan_name, "wave": wave, "planned_hours": hours}),
        )
        for wave, hours in deadlines
    ]
