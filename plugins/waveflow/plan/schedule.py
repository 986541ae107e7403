"""Order, critical path and makespan estimates of a plan, with the arithmetic shown.

Efforts wait for their dependencies and for every effort of the previous wave (the wave-gate sensor does the same in
the DAG), so the estimate models both.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from .counting import count
from .model import Effort, Plan, Wave

DEFAULT_LINES_PER_HOUR = 100.0
DEFAULT_EFFORT_HOURS = 4.0
WORKDAY_HOURS = 8.0


@dataclass
class Estimate:
    order: list[str]
    hours: dict[str, float]
    basis: dict[str, str]
    critical_path: list[str]
    critical_hours: float
    sequential_hours: float
    parallel_hours: float
    agents: int
    starts: dict[str, float] = field(default_factory=dict)

    @property
    def speedup(self) -> float:
        return self.sequential_hours / self.parallel_hours if self.parallel_hours else 1.0


def topological_order(plan: Plan) -> list[str]:
    """Efforts in the order they can start: by wave, then dependencies, ties by document order."""
    position = {e.id: i for i, e in enumerate(plan.efforts)}
    waiting = {e.id: {d for d in e.depends_on if d in position and d != e.id} for e in plan.efforts}
    dependents: dict[str, list[str]] = {e.id: [] for e in plan.efforts}
    for eid, deps in waiting.items():
        for d in deps:
            dependents[d].append(eid)
    rank = {e.id: (e.wave, position[e.id]) for e in plan.efforts}
    ready = [(rank[eid], eid) for eid, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, eid = heapq.heappop(ready)
        order.append(eid)
        for nxt in dependents[eid]:
            waiting[nxt].discard(eid)
            if not waiting[nxt]:
                heapq.heappush(ready, (rank[nxt], nxt))
    if len(order) != len(plan.efforts):
        raise ValueError("the plan has a dependency cycle; `waveflow validate` names it")
    return order


def effort_hours(effort: Effort, wave: Wave | None, largest: int) -> tuple[float, str]:
    """Planned hours of one effort, and how they were derived; `largest` is the most lines of an effort in its wave.

    A wave's planned duration (midpoint of `4-6 hours`) is the time of its largest effort; the others scale by lines.
    """
    if wave and wave.duration:
        mid = (wave.duration.min_hours + wave.duration.max_hours) / 2
        if effort.lines and largest:
            hours = mid * effort.lines / largest
            return hours, f"wave {wave.number} {mid:g} h x {effort.lines}/{largest} lines"
        return mid, f"wave {wave.number} planned {mid:g} h"
    if effort.lines:
        return effort.lines / DEFAULT_LINES_PER_HOUR, f"{effort.lines} lines at {DEFAULT_LINES_PER_HOUR:g} lines/h"
    return DEFAULT_EFFORT_HOURS, f"no size given: {DEFAULT_EFFORT_HOURS:g} h assumed"


def estimate(plan: Plan, agents: int | None = None) -> Estimate:
    agents = agents or plan.parallel_agents
    order = topological_order(plan)
    by_id = {e.id: e for e in plan.efforts}
    waves: dict[int, Wave] = {}
    for w in plan.waves:
        waves.setdefault(w.number, w)
    largest: dict[int, int] = {}
    for e in plan.efforts:
        largest[e.wave] = max(largest.get(e.wave, 0), e.lines or 0)
    hours: dict[str, float] = {}
    basis: dict[str, str] = {}
    for eid in order:
        effort = by_id[eid]
        hours[eid], basis[eid] = effort_hours(effort, waves.get(effort.wave), largest.get(effort.wave, 0))
    unbounded, _ = _simulate(plan, order, hours, agents=len(order) or 1)
    parallel, starts = _simulate(plan, order, hours, agents=agents)
    path = _critical_path(plan, order, hours)
    return Estimate(
        order=order,
        hours=hours,
        basis=basis,
        critical_path=path,
        critical_hours=unbounded,
        sequential_hours=sum(hours.values()),
        parallel_hours=parallel,
        agents=agents,
        starts=starts,
    )


def _by_wave(plan: Plan, order: list[str]) -> list[list[Effort]]:
    """The efforts in `order`, wave by wave in wave order."""
    by_id = {e.id: e for e in plan.efforts}
    waves: dict[int, list[Effort]] = {}
    for eid in order:
        effort = by_id[eid]
        waves.setdefault(effort.wave, []).append(effort)
    return [waves[number] for number in sorted(waves)]


def _simulate(plan: Plan, order: list[str], hours: dict[str, float], agents: int) -> tuple[float, dict[str, float]]:
    """List scheduling: an effort starts once its dependencies and previous waves are done and an agent is free."""
    finish: dict[str, float] = {}
    starts: dict[str, float] = {}
    free_at = [0.0] * max(agents, 1)
    wave_done = 0.0
    for efforts in _by_wave(plan, order):
        wave_end = wave_done
        for effort in efforts:
            eid = effort.id
            ready = max([wave_done, *(finish[d] for d in effort.depends_on if d in finish)])
            agent_free = heapq.heappop(free_at)
            starts[eid] = max(ready, agent_free)
            finish[eid] = starts[eid] + hours[eid]
            heapq.heappush(free_at, finish[eid])
            wave_end = max(wave_end, finish[eid])
        wave_done = wave_end
    return wave_done, starts


def _critical_path(plan: Plan, order: list[str], hours: dict[str, float]) -> list[str]:
    """The chain of efforts that sets the unbounded makespan: per wave, the longest dependency chain inside it."""
    path: list[str] = []
    for efforts in _by_wave(plan, order):
        best: dict[str, tuple[float, list[str]]] = {}
        for effort in efforts:
            prev = [best[d] for d in effort.depends_on if d in best]
            length, chain = max(prev, default=(0.0, []), key=lambda p: p[0])
            best[effort.id] = (length + hours[effort.id], [*chain, effort.id])
        if best:
            path += max(best.values(), key=lambda p: p[0])[1]
    return path


def explain(plan: Plan, est: Estimate) -> str:
    """The estimate as text, arithmetic included (what `waveflow schedule` prints)."""
    lines = [
        f"Plan {plan.name}: {count(len(plan.efforts), 'effort')} in {count(len(plan.waves), 'wave')}",
        "",
        "Order and planned hours:",
    ]
    wave_of = {e.id: e.wave for e in plan.efforts}
    for eid in est.order:
        lines.append(f"  wave {wave_of[eid]}  {eid:<14} {est.hours[eid]:6.2f} h  ({est.basis[eid]})")
    seq_terms = " + ".join(f"{est.hours[e]:.2f}" for e in est.order)
    crit_terms = " + ".join(f"{est.hours[e]:.2f}" for e in est.critical_path)
    lines += [
        "",
        f"Critical path: {' -> '.join(est.critical_path)}",
        f"  {crit_terms} = {est.critical_hours:.2f} h",
        f"Sequential (one agent): {seq_terms} = {est.sequential_hours:.2f} h"
        f" = {est.sequential_hours / WORKDAY_HOURS:.2f} days of {WORKDAY_HOURS:g} h",
        f"Parallel ({count(est.agents, 'agent')}, waves in order): {est.parallel_hours:.2f} h"
        f" = {est.parallel_hours / WORKDAY_HOURS:.2f} days of {WORKDAY_HOURS:g} h",
        f"Speed-up: {est.sequential_hours:.2f} / {est.parallel_hours:.2f} = {est.speedup:.2f}x",
    ]
    return "\n".join(lines)
