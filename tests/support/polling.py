"""Waiting on a live stack: poll until something holds, or fail naming what never happened."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(
    what: str,
    probe: Callable[[], Any],
    timeout: float = 300,
    interval: float = 1.0,
    done: Callable[[Any], bool] = bool,
) -> Any:
    """The probe's first value that is `done` (truthy, unless told otherwise); a TimeoutError saying what was awaited
    if none comes in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if done(value):
            return value
        time.sleep(interval)
    raise TimeoutError(f"waited {timeout:.0f} s for {what}")


def wait_run(api: Any, dag_id: str, run_id: str, timeout: float = 600) -> str:
    """The run's final state (`success` or `failed`), polled through the REST API."""

    def finished() -> str | None:
        state = str(api.run(dag_id, run_id)["state"])
        return state if state in ("success", "failed") else None

    return wait_until(f"run {run_id} of {dag_id} to finish", finished, timeout, interval=2)
