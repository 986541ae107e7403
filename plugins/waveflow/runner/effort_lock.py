"""One runner per effort: the effort's lock, held from before anything is touched until the result is recorded.

A second runner of the same effort (an Airflow retry racing a runner that is still alive, two plans with the same
branches, a person at a shell) waits for it up to `WAVEFLOW_EFFORT_LOCK_WAIT` seconds, then fails saying who holds it,
having touched nothing. The lock is an `flock` on a file in the workspace: the kernel releases it when its holder
dies, however it dies, so a runner that gets it knows that what an earlier runner left running is a dead runner's.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .errors import StepFailed
from .machine import flock_within

LOCK_WAIT_SECONDS = 60.0
LOCK_WAIT_VAR = "WAVEFLOW_EFFORT_LOCK_WAIT"


def lock_wait(environ: Mapping[str, str]) -> float:
    try:
        return max(0.0, float(environ.get(LOCK_WAIT_VAR, LOCK_WAIT_SECONDS)))
    except ValueError:
        return LOCK_WAIT_SECONDS


@contextmanager
def effort_lock(path: Path, wait: float, run_id: str) -> Iterator[None]:
    """Hold the effort's lock; StepFailed("lock") when another live runner holds it longer than `wait` seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as fh:
        if flock_within(fh, fcntl.LOCK_EX, wait) is None:
            fh.seek(0)
            holder = fh.read().strip() or "a runner that has not said who it is yet"
            raise StepFailed(
                "lock",
                f"another runner of this effort is running ({holder}); waited {wait:.0f}s for it to end and did "
                f"nothing: two runners would work in one worktree ({path})",
                transient=True,
            )
        since = datetime.now(UTC).isoformat(timespec="seconds")
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}, run {run_id or '?'}, since {since}\n")
        fh.flush()
        try:
            yield
        finally:
            fh.truncate(0)
            fcntl.flock(fh, fcntl.LOCK_UN)
