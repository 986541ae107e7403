"""Test Isolation: the efforts of each wave ran side by side, in their own namespaces and port ranges, and passed.

A wave whose efforts never overlapped in time did not exercise isolation at all: that is "no data" (which fails a
required gate), not a pass. Memoized efforts did no work in this run, so they do not count as running.
"""

from __future__ import annotations

from itertools import combinations

from ..plan.model import Effort, Plan
from ..runner.result import EffortResult
from .evaluator import GateContext, Scale, judge, no_data, require_target
from .outcome import Row
from .timing import peak_concurrency, span_of

SCALE = Scale(default_op="<=", perfect=0.0, units=frozenset({""}))


def _namespace(effort: Effort | None, result: EffortResult) -> str | None:
    return result.namespace or (effort.namespace if effort else None)


def _ports(effort: Effort | None, result: EffortResult) -> tuple[int, int] | None:
    if result.ports:
        return result.ports
    return (effort.ports.start, effort.ports.end) if effort and effort.ports else None


def failures(ran: dict[str, EffortResult]) -> list[str]:
    """Efforts of the wave that failed or whose tests failed: what interference would look like, though their own
    faults look the same."""
    found = []
    for eid, r in ran.items():
        if r.status == "failed":
            found.append(f"{eid} failed")
        elif r.metrics.tests_failed:
            found.append(f"{eid}: {r.metrics.tests_failed} tests failed")
    return found


def conflicts(plan: Plan, ran: dict[str, EffortResult]) -> list[str]:
    """What breaks isolation among efforts that ran in one wave (a namespace or ports shared), each as a sentence."""
    planned = {e.id: e for e in plan.efforts}
    found = []
    for (a, ra), (b, rb) in combinations(ran.items(), 2):
        if plan.isolation.namespaces:
            na, nb = _namespace(planned.get(a), ra), _namespace(planned.get(b), rb)
            if na == nb:
                found.append(f"{a} and {b} share namespace {na or '(none)'}")
        if plan.isolation.ports:
            # An effort without a port range listens on none (the seed's documentation effort): nothing to clash.
            pa, pb = _ports(planned.get(a), ra), _ports(planned.get(b), rb)
            if pa and pb and pa[0] <= pb[1] and pb[0] <= pa[1]:
                found.append(f"ports of {a} {pa[0]}-{pa[1]} and {b} {pb[0]}-{pb[1]} overlap")
    return found


def _wave_row(ctx: GateContext, label: str, ids: list[str]) -> Row:
    target = require_target(ctx)
    wanted = target.describe(SCALE.default_op, SCALE.perfect)
    ran = {eid: r for eid in ids if (r := ctx.results[eid]) is not None}
    missing = [eid for eid in ids if eid not in ran]
    clashes, failed = conflicts(ctx.plan, ran), failures(ran)
    if clashes or failed:
        shown = ", ".join(
            ([_count(len(clashes), "conflict")] if clashes else [])
            + ([_count(len(failed), "failed effort")] if failed else [])
        )
        return judge(label, float(len(clashes) + len(failed)), shown, "; ".join(clashes + failed), target, SCALE)
    if missing:
        return no_data(label, wanted, f"no result: {', '.join(missing)}")
    working = [s for eid, r in ran.items() if not r.memoized and (s := span_of(eid, r))]
    if len(ran) > 1 and peak_concurrency(working) < 2:
        return no_data(label, wanted, "efforts ran one at a time (or were memoized): isolation not exercised")
    shown = f"0 conflicts, {_count(len(ran), 'effort')}, {peak_concurrency(working)} at once"
    return judge(label, 0.0, shown, "", target, SCALE)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def evaluate(ctx: GateContext) -> list[Row]:
    waves: dict[int, list[str]] = {}
    for eid, _ in ctx.in_plan_order():
        try:
            waves.setdefault(ctx.plan.effort(eid).wave, []).append(eid)
        except KeyError:
            continue  # not in the plan: no wave to judge it with
    return [_wave_row(ctx, f"wave {n}", ids) for n, ids in sorted(waves.items())]
