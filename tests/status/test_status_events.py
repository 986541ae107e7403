"""The status log on object storage: one object per event, written by many processes at once, merged in time order."""

from __future__ import annotations

import multiprocessing
import re

from support.memory_store import memory_root

from waveflow.airflow.status_events import StatusEvents

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ effort finished effort=w(\d) n=(\d+) note=x{100}$")


def _writer(url: str, worker: int) -> None:
    from airflow.sdk import ObjectStoragePath

    log = StatusEvents(ObjectStoragePath(url), writer=f"wave_1.e{worker}.try1")
    log.append("wave started", once="wave-1-started", wave=1)
    for i in range(100):
        log.append("effort finished", effort=f"w{worker}", n=i, note="x" * 100)


def test_concurrent_processes_lose_no_event_and_say_once_events_once(tmp_path):
    url = f"file://{tmp_path}/store/phase10/run"
    procs = [multiprocessing.get_context("spawn").Process(target=_writer, args=(url, w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    from airflow.sdk import ObjectStoragePath

    lines = StatusEvents(ObjectStoragePath(url), writer="reader").lines()
    assert len(list((tmp_path / "store/phase10/run/status").iterdir())) == 404
    assert [line.split(" ", 1)[1] for line in lines].count("wave started wave=1") == 1
    finished = [LINE.match(line) for line in lines if " effort finished " in line]
    assert len(finished) == 400 and all(finished)
    for worker in range(4):  # each writer's events in the order it wrote them
        mine = [int(m.group(2)) for m in finished if m and m.group(1) == str(worker)]
        assert mine == list(range(100))


def test_events_on_an_object_store_that_is_no_directory():
    run = memory_root() / "phase10" / "manual__2026-01-01T00:00:00+00:00"
    first, second = StatusEvents(run, "wave_1.e1.try1"), StatusEvents(run, "wave_1.e2.try1")
    assert first.lines() == []
    first.append("wave started", once="wave-1-started", wave=1)
    second.append("wave started", once="wave-1-started", wave=1)
    second.append("effort failed", effort="10.2.3", reason="boom\n2026-01-01T00:00:00Z wave 2 complete", skipped=None)
    first.write_log()
    said = [line.split(" ", 1)[1] for line in first.lines()]
    assert said == [
        "wave started wave=1",
        "effort failed effort=10.2.3 reason=boom 2026-01-01T00:00:00Z wave 2 complete",
    ]
    assert first.log.read_text().splitlines() == first.lines()
    assert first.location == f"{run}/status.log" and first.location.startswith("memory://waveflow-")
