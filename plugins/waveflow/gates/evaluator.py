"""The contract every evaluator follows, built in or custom, and the helpers that judge one value.

An evaluator is a function `(GateContext) -> list[Row]`. It reads the results of the efforts in this run; an effort
whose value is None ran but left no result (failed before writing one, or skipped upstream). Efforts absent from
`results` are not part of the run and get no row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..plan.model import Gate, Plan
from ..runner.result import EffortResult
from .outcome import Row
from .targets import Op, Target


@dataclass(frozen=True)
class GateContext:
    plan: Plan
    gate: Gate
    target: Target | None  # None only for custom evaluators whose target the generic reader could not parse
    results: Mapping[str, EffortResult | None]

    def in_plan_order(self) -> list[tuple[str, EffortResult | None]]:
        """The run's efforts, in the plan's order (ids unknown to the plan last, as given)."""
        order = {e.id: i for i, e in enumerate(self.plan.efforts)}
        ids = sorted(self.results, key=lambda eid: order.get(eid, len(order)))
        return [(eid, self.results[eid]) for eid in ids]


Evaluator = Callable[[GateContext], list[Row]]
# Measures one effort: its value, the value as printed, and a note (why no data, or what fell short).
Measure = Callable[[EffortResult], tuple[float | None, str, str]]


@dataclass(frozen=True)
class Scale:
    """How a metric reads its target: the direction of a bare number, what a word target means, the units allowed."""

    default_op: Op
    perfect: float
    units: frozenset[str]


def no_data(effort: str, target: str, why: str) -> Row:
    return Row(effort, None, "no data", target, "no data", why)


def judge(effort: str, value: float | None, shown: str, note: str, target: Target, scale: Scale) -> Row:
    wanted = target.describe(scale.default_op, scale.perfect)
    if value is None:
        return no_data(effort, wanted, note)
    ok = target.met(value, scale.default_op, scale.perfect)
    return Row(effort, value, shown, wanted, "pass" if ok else "fail", "" if ok else note)


def per_effort(ctx: GateContext, scale: Scale, measure: Measure) -> list[Row]:
    """One row per effort of the run; an effort without a result has no data."""
    target = require_target(ctx)
    rows = []
    for eid, result in ctx.in_plan_order():
        if result is None:
            rows.append(no_data(eid, target.describe(scale.default_op, scale.perfect), "no result"))
            continue
        value, shown, note = measure(result)
        if value is None and not note:
            note = _failure(result) or "not measured"
        rows.append(judge(eid, value, shown, note, target, scale))
    return rows


def require_target(ctx: GateContext) -> Target:
    if ctx.target is None:
        raise ValueError(f"gate {ctx.gate.metric!r} has no readable target")
    return ctx.target


def unavailable(result: EffortResult, *keys: str) -> str:
    """Why the runner could not measure a metric, under any of the names it may have used."""
    reasons = result.metrics.unavailable
    return next((reasons[k] for k in keys if reasons.get(k)), "")


def _failure(result: EffortResult) -> str:
    if result.status == "failed":
        step = f" at {result.failed_step}" if result.failed_step else ""
        return f"effort failed{step}"
    return ""
