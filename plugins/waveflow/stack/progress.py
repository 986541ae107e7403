"""Progress of runs, printed as it changes: per wave, per effort, then the gates."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..airflow.plan_spec import INTEGRATE, INTEGRATE_RESOLVED, RESOLVE
from ..plan.model import Plan, Wave, task_id
from .api import AirflowAPI

FINISHED_RUN = {"success", "failed"}
PENDING = {"none", "scheduled", "queued"}
FINISHED_TASK = {"success", "failed", "skipped", "upstream_failed", "removed"}
# A wave's tasks that are not efforts: its integration, and a person's resolution of its conflict.
INTEGRATION_TASKS = {INTEGRATE, RESOLVE, INTEGRATE_RESOLVED}


def _label(plan: Plan, tid: str) -> str:
    names = {f"wave_{e.wave}.{task_id(e.id)}": f"effort {e.id} {e.name}" for e in plan.efforts}
    if plan.integration is not None:
        names |= {f"wave_{w.number}.integrate": f"wave {w.number} integration ({plan.integration_branch(w.number)})"
                  for w in plan.waves}  # fmt: skip
    return names.get(tid, tid)


def agent_summary(result: object) -> str:
    """What the effort's agent did, in one line: ` — 2 iterations: 1 failed test_x; 2 passed, $0.42`."""
    agent = result.get("agent") if isinstance(result, dict) else None
    its = agent.get("iterations") if isinstance(agent, dict) else None
    if not isinstance(its, list) or not its:
        return ""
    parts = []
    for it in its:
        failed = it.get("failed_tests") or []
        if it.get("exit_code") != 0:
            code = it.get("exit_code")
            parts.append(f"{it.get('number')}: the agent " + ("timed out" if code is None else f"exited {code}"))
        elif it.get("tests_failed"):
            named = f" ({', '.join(t.rpartition('::')[2] for t in failed[:2])})" if failed else ""
            parts.append(f"{it.get('number')}: {it['tests_failed']} test(s) failed{named}")
        elif it.get("gate_misses"):
            parts.append(f"{it.get('number')}: gates missed")
        else:
            parts.append(f"{it.get('number')}: tests pass")
    cost = agent.get("cost_usd") if isinstance(agent, dict) else None
    spent = f", ${cost:.2f}" if isinstance(cost, int | float) else ""
    if len(its) == 1:
        return f" — 1 iteration{spent}"
    return f" — {len(its)} iterations: " + "; ".join(parts) + spent


def _wave_of(plan: Plan, tid: str) -> Wave | None:
    return next((w for w in plan.waves if tid.startswith(f"wave_{w.number}.")), None)


@dataclass
class RunProgress:
    """One run's task states as last seen; `poll` prints what changed since and returns the run's state."""

    plan: Plan
    run_id: str
    say: Callable[[str], None]
    seen: dict[str, str] = field(default_factory=dict)
    waves_started: set[int] = field(default_factory=set)
    waves_done: set[int] = field(default_factory=set)
    started: float = field(default_factory=time.monotonic)

    def poll(self, api: AirflowAPI) -> str:
        for ti in api.task_instances(self.plan.name, self.run_id):
            tid, state = ti["task_id"], ti.get("state") or "none"
            if self.seen.get(tid) == state:
                continue
            self.seen[tid] = state
            if state in PENDING:
                continue
            wave = _wave_of(self.plan, tid)
            if wave is not None and wave.number not in self.waves_started:
                self.waves_started.add(wave.number)
                self.say(f"== wave {wave.number} ({wave.name}) started")
            said = ""
            if state == "awaiting_input":
                said = " (a person is asked: answer in the UI's required actions)"
            if state in ("success", "failed") and _wave_of(self.plan, tid) is not None:
                said = self._agent(api, tid)
            self.say(f"[{time.monotonic() - self.started:6.0f}s] {_label(self.plan, tid)}: {state}{said}")
        for wave in self.plan.waves:
            prefix = f"wave_{wave.number}."
            states = {t: s for t, s in self.seen.items() if t.startswith(prefix)}
            if wave.number not in self.waves_done and states and all(s in FINISHED_TASK for s in states.values()):
                self.waves_done.add(wave.number)
                efforts = [s for t, s in states.items() if t.removeprefix(prefix) not in INTEGRATION_TASKS]
                ok = sum(s == "success" for s in efforts)
                self.say(f"== wave {wave.number} complete: {ok}/{len(efforts)} efforts succeeded")
        return str(api.run(self.plan.name, self.run_id)["state"])

    def _agent(self, api: AirflowAPI, tid: str) -> str:
        try:
            return agent_summary(api.xcom(self.plan.name, self.run_id, tid))
        except RuntimeError:  # no result pushed (the runner died, the task was skipped): the state says enough
            return ""


def watch_all(api: AirflowAPI, runs: list[RunProgress], poll: float = 2.0) -> dict[str, str]:
    """Follow every run until all have ended; returns each plan's final run state."""
    states: dict[str, str] = {}
    while True:
        for run in runs:
            if run.plan.name not in states and (state := run.poll(api)) in FINISHED_RUN:
                states[run.plan.name] = state
        if len(states) == len(runs):
            return states
        time.sleep(poll)
