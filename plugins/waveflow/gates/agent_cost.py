"""Agent Cost: what each effort's agent reported it spent, summed over its iterations (`<$5 per effort`)."""

from __future__ import annotations

from ..runner.result import EffortResult
from .evaluator import GateContext, Scale, per_effort
from .outcome import Row

SCALE = Scale(default_op="<=", perfect=0.0, units=frozenset({"usd"}))


def measure(result: EffortResult) -> tuple[float | None, str, str]:
    agent = result.agent
    if agent is None:
        return None, "", "no agent ran (nothing to implement, or memoized before agents were recorded)"
    if agent.cost_usd is None:
        return None, "", f"the {agent.profile} agent reported no cost (its output had none, no WAVEFLOW_AGENT_REPORT)"
    n = len(agent.iterations)
    shown = f"${agent.cost_usd:.2f}"
    return agent.cost_usd, shown, f"{shown} over {n} iteration{'s' if n != 1 else ''}"


def evaluate(ctx: GateContext) -> list[Row]:
    return per_effort(ctx, SCALE, measure)
