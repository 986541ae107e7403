"""Chaos Recovery: the share of chaos (resilience) tests after which the system recovered."""

from __future__ import annotations

from ..runner.result import EffortResult
from .evaluator import GateContext, Scale, per_effort, unavailable
from .outcome import Row

SCALE = Scale(default_op=">=", perfect=100.0, units=frozenset({"%", ""}))


def measure(result: EffortResult) -> tuple[float | None, str, str]:
    total, recovered = result.metrics.chaos_total, result.metrics.chaos_recovered
    if total is None or recovered is None:
        return None, "", unavailable(result, "chaos_total", "chaos_recovered", "chaos")
    if total == 0:
        return None, "", "no chaos tests ran"
    share = 100.0 * recovered / total
    return share, f"{recovered}/{total} ({share:.0f}%)", f"{total - recovered} of {total} did not recover"


def evaluate(ctx: GateContext) -> list[Row]:
    return per_effort(ctx, SCALE, measure)
