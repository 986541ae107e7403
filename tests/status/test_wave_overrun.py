"""The wave deadline callback as the triggerer calls it: an alert for a wave still running, none for a finished one."""

from __future__ import annotations

import asyncio

from waveflow.airflow.status import wave_overrun
from waveflow.status_log import StatusLog

RUN = "manual__2026-01-01T00:00:00+00:00"


def overrun(wave: int, state: str = "running") -> None:
    context = {"dag_run": {"dag_id": "phase10", "dag_run_id": RUN, "state": state}}
    asyncio.run(wave_overrun(plan="phase10", wave=wave, planned_hours=6.0, context=context))


def test_only_a_running_wave_overruns(tmp_path, monkeypatch):
    monkeypatch.setenv("WAVEFLOW_REPORTS_DIR", str(tmp_path))
    monkeypatch.delenv("WAVEFLOW_NOTIFY_URL", raising=False)
    log = StatusLog(tmp_path / "phase10" / RUN / "status.log")
    overrun(1)
    log.append("wave complete", wave=1)
    overrun(1)  # its deadline again, once the wave has landed: nothing new
    overrun(2, state="failed")  # the run already ended
    overrun(2)
    lines = [line.split(" ", 1)[1] for line in log.path.read_text().splitlines()]
    assert lines == [
        "wave overrun wave=1 planned_hours=6",
        "wave complete wave=1",
        "wave overrun wave=2 planned_hours=6",
    ]


def test_the_triggerer_reads_and_writes_the_shared_storage(tmp_path, monkeypatch):
    """With WAVEFLOW_REPORTS_URL the triggerer, on a machine of its own, finds `wave complete` among the events the
    workers wrote there and adds its alert as an event of its own."""
    from airflow.sdk import ObjectStoragePath

    from waveflow.airflow.status_events import StatusEvents

    monkeypatch.setenv("WAVEFLOW_REPORTS_URL", f"file://{tmp_path}/shared")
    monkeypatch.setenv("WAVEFLOW_REPORTS_DIR", str(tmp_path / "local"))
    monkeypatch.delenv("WAVEFLOW_NOTIFY_URL", raising=False)
    worker = StatusEvents(ObjectStoragePath(f"file://{tmp_path}/shared/phase10/{RUN}"), "wave_1_landed.try1")
    worker.append("wave complete", wave=1)
    overrun(1)
    overrun(2)
    assert [line.split(" ", 1)[1] for line in worker.lines()] == [
        "wave complete wave=1",
        "wave overrun wave=2 planned_hours=6",
    ]
    assert len(list((tmp_path / "shared/phase10" / RUN / "status").glob("*~deadline~*.event"))) == 1
    assert not (tmp_path / "local").exists()
