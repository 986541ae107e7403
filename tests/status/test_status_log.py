from __future__ import annotations

import multiprocessing
import re
from pathlib import Path

from waveflow.status_log import StatusLog


def _writer(path: str, worker: int) -> None:
    log = StatusLog(Path(path))
    for i in range(200):
        log.append("effort finished", effort=f"w{worker}", n=i, note="x" * 100)


def test_concurrent_writers_never_interleave_lines(tmp_path):
    path = tmp_path / "run" / "status.log"
    procs = [multiprocessing.Process(target=_writer, args=(str(path), w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    lines = StatusLog(path).lines()
    assert len(lines) == 800
    pattern = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ effort finished effort=w\d n=\d+ note=x{100}$")
    assert all(pattern.match(line) for line in lines)


def test_values_cannot_forge_lines(tmp_path):
    log = StatusLog(tmp_path / "s.log")
    log.append("effort failed", effort="10.2.3", reason="boom\n2026-01-01T00:00:00Z wave 2 complete")
    log.append("wave complete", wave=2, skipped=None)
    lines = log.lines()
    assert len(lines) == 2
    assert lines[0].endswith("reason=boom 2026-01-01T00:00:00Z wave 2 complete")
    assert lines[1].endswith("wave complete wave=2")
