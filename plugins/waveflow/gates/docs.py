"""Doc Completeness: public APIs an effort added without documentation."""

from __future__ import annotations

from ..runner.result import EffortResult
from .evaluator import GateContext, Scale, per_effort, unavailable
from .outcome import Row

SCALE = Scale(default_op="<=", perfect=0.0, units=frozenset({""}))
_NAMED = 3


def measure(result: EffortResult) -> tuple[float | None, str, str]:
    missing = result.metrics.undocumented_apis
    if missing is None:
        return None, "", unavailable(result, "undocumented_apis", "docs")
    more = f" and {len(missing) - _NAMED} more" if len(missing) > _NAMED else ""
    note = f"undocumented: {', '.join(missing[:_NAMED])}{more}"
    return float(len(missing)), f"{len(missing)} undocumented", note


def evaluate(ctx: GateContext) -> list[Row]:
    return per_effort(ctx, SCALE, measure)
