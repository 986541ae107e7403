"""Progress of one run, printed as it changes: per wave, per effort, then the gates."""

from __future__ import annotations

import time
from collections.abc import Callable

from ..plan.model import Plan, Wave, task_id
from .api import AirflowAPI

FINISHED_RUN = {"success", "failed"}
PENDING = {"none", "scheduled", "queued"}
FINISHED_TASK = {"success", "failed", "skipped", "upstream_failed", "removed"}


def _label(plan: Plan, tid: str) -> str:
    names = {f"wave_{e.wave}.{task_id(e.id)}": f"effort {e.id} {e.name}" for e in plan.efforts}
    return names.get(tid, tid)


def _wave_of(plan: Plan, tid: str) -> Wave | None:
    return next((w for w in plan.waves if tid.startswith(f"wave_{w.number}.")), None)


def watch(api: AirflowAPI, plan: Plan, run_id: str, say: Callable[[str], None] = print, poll: float = 2.0) -> str:
    """Print each task's state changes until the run ends; returns the run's final state."""
    seen: dict[str, str] = {}
    waves_started: set[int] = set()
    waves_done: set[int] = set()
    started = time.monotonic()
    while True:
        for ti in api.task_instances(plan.name, run_id):
            tid, state = ti["task_id"], ti.get("state") or "none"
            if seen.get(tid) == state:
                continue
            seen[tid] = state
            if state in PENDING:
                continue
            wave = _wave_of(plan, tid)
            if wave is not None and wave.number not in waves_started:
                waves_started.add(wave.number)
                say(f"== wave {wave.number} ({wave.name}) started")
            say(f"[{time.monotonic() - started:6.0f}s] {_label(plan, tid)}: {state}")
        for wave in plan.waves:
            prefix = f"wave_{wave.number}."
            states = [s for t, s in seen.items() if t.startswith(prefix)]
            if wave.number not in waves_done and states and all(s in FINISHED_TASK for s in states):
                waves_done.add(wave.number)
                ok = sum(s == "success" for s in states)
                say(f"== wave {wave.number} complete: {ok}/{len(states)} efforts succeeded")
        state = api.run(plan.name, run_id)["state"]
        if state in FINISHED_RUN:
            return str(state)
        time.sleep(poll)
