"""The machine's CPUs, shared by the efforts running on it (the local backend: one worker, several efforts).

Every implement and test step holds the machine lock shared; the test step of an effort the plan marks `exclusive`
(its tests benchmark) holds it alone, so its samples are not taken while other efforts load the same cores. The
lock is a file in the workspace (`WAVEFLOW_MACHINE_LOCK` names another, for workspaces that share a host); a
runner that dies releases it with its process. In a pod there is no lock: the pod has its node's share the cluster
gives it (docs/runner.md says how to give a benchmark a node of its own).
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

_POLL_SECONDS = 0.2


class MachineBusy(Exception):
    """The machine was not free within the step's time-out: the step never ran."""


@contextmanager
def machine_slot(path: Path | None, alone: bool, timeout: float) -> Iterator[float]:
    """Hold the machine for a step (alone, or shared with other efforts' steps); yields the seconds waited for it.
    Waiting longer than `timeout` (the step's own time-out) raises MachineBusy, saying what it waited for."""
    if path is None:
        yield 0.0
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        waited = flock_within(fh, fcntl.LOCK_EX if alone else fcntl.LOCK_SH, timeout)
        if waited is None:
            what = "every other effort's steps to end" if alone else "an exclusive effort's tests to end"
            raise MachineBusy(f"waited {timeout:.0f}s for {what} on this machine ({path})")
        try:
            yield waited
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def flock_within(fh: IO[str], mode: int, timeout: float) -> float | None:
    """Take `mode` (LOCK_EX, LOCK_SH) on the open file, waiting up to `timeout`: the seconds waited, None if never."""
    started = time.monotonic()
    while True:
        try:
            fcntl.flock(fh, mode | fcntl.LOCK_NB)
            return round(time.monotonic() - started, 3)
        except BlockingIOError:
            if time.monotonic() - started > timeout:
                return None
            time.sleep(_POLL_SECONDS)
