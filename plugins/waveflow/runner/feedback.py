"""What the agent is told between iterations: which tests failed, the end of the test log, and each gate its change
would miss, with the measured value and the target. Pure text; the runner writes it to `WAVEFLOW_FEEDBACK_FILE`."""

from __future__ import annotations

from collections.abc import Sequence

from ..gates.registry import builtin_for, evaluate_gate
from ..plan.model import Effort, Gate, Plan
from .brief import parse_json
from .contract import RunnerInputs
from .result import EffortResult

LOG_TAIL_LINES = 60
# Judged over the whole run or over what the agent spent, not over one effort's change: nothing to feed back.
_NOT_FED_BACK = {"Test Isolation", "Agent Cost"}


def gate_misses(inputs: RunnerInputs, result: EffortResult) -> list[str]:
    """The plan's built-in gates the effort's change, as measured now, would fail: `PR Size: 950 lines, target <800`."""
    context = parse_json(inputs.plan_context)
    gates = []
    for raw in context.get("gates") or []:
        try:
            gate = Gate.model_validate(raw)
        except ValueError:
            continue
        builtin = builtin_for(gate.metric)
        if gate.evaluator is None and builtin is not None and builtin.name not in _NOT_FED_BACK:
            gates.append(gate)
    if not gates:
        return []
    plan = Plan(name=inputs.plan, efforts=[_effort(inputs)], gates=gates)
    misses = []
    for gate in gates:
        row = evaluate_gate(plan, gate, {inputs.effort: result}).row_for(inputs.effort)
        if row is not None and row.verdict == "fail":
            # A note that starts with the value says more about it (`6 lines (+6 -0)`); another one says why.
            measured = row.note if row.note.startswith(row.shown) else row.shown
            note = f" ({row.note})" if row.note and not row.note.startswith(row.shown) else ""
            misses.append(f"{gate.metric}: {measured}, target {row.target}{note}")
    return misses


def _effort(inputs: RunnerInputs) -> Effort:
    spec = parse_json(inputs.effort_spec)
    try:
        return Effort.model_validate(spec)
    except ValueError:
        return Effort(id=inputs.effort, name=inputs.effort, wave=int(spec.get("wave") or 0))


def first(brief_file: str, max_iterations: int) -> str:
    return (
        f"# Iteration 1 of {max_iterations}\n\n"
        f"Nothing to correct yet: do the task described in {brief_file}. After you finish, the runner commits your "
        "change, runs the tests and measures the change against the quality gates; if something fails, the next "
        "iteration starts with what failed.\n"
    )


def after(
    iteration: int,
    max_iterations: int,
    brief_file: str,
    commit: str | None,
    test_command: Sequence[str],
    failed_tests: Sequence[str],
    test_reason: str | None,
    log_text: str,
    misses: Sequence[str],
) -> str:
    """The feedback for iteration `iteration`, on what the previous one left."""
    done = f"committed as {commit[:12]}" if commit else "changed nothing"
    out = [
        f"# Iteration {iteration} of {max_iterations}",
        "",
        f"The previous iteration {done}; the task is still the one in {brief_file}. Fix what follows and keep "
        "what already works.",
        "",
    ]
    if test_reason:
        out += [f"## The tests failed (`{' '.join(test_command)}`)", "", test_reason, ""]
        if failed_tests:
            out += ["Failing tests:", "", *[f"- `{t}`" for t in failed_tests], ""]
        tail = log_text.splitlines()[-LOG_TAIL_LINES:]
        if tail:
            out += [f"The last {len(tail)} lines of the test log:", "", "```text", *tail, "```", ""]
    if misses:
        out += ["## Gates the change would miss", "", *[f"- {m}" for m in misses], ""]
    return "\n".join(out).rstrip() + "\n"
