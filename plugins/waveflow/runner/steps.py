"""The commands an effort runs (the agent, the tests): each in its own process group, under its time-out, alone on
the machine when it must be, with its output logged (redacted)."""

from __future__ import annotations

from pathlib import Path

from .errors import StepFailed
from .machine import MachineBusy, machine_slot
from .process import CommandResult, read_output, run_command
from .result import EffortResult
from .run import Run
from .workspace import STATE_DIR

REASON_LINE_CHARS = 500


def command(
    run: Run, step: str, argv: list[str], env: dict[str, str], timeout: int, log_name: str = ""
) -> CommandResult:
    """The command's outcome; StepFailed (transient) when it never ran: the machine stayed busy its whole time-out."""
    name = log_name or step
    log_path = run.state_dir("logs") / f"{name}.log"
    run.result.logs[step] = str(log_path)
    alone = run.inputs.exclusive and step == "test"
    try:
        with machine_slot(machine_lock(run), alone, timeout) as waited:
            if waited:
                run.result.timing.waited[step] = round(run.result.timing.waited.get(step, 0.0) + waited, 3)
                run.log(f"{run.inputs.effort}: {name}: waited {waited:.1f}s for the machine")
            alone_note = ", alone on the machine" if alone else ""
            run.log(f"{run.inputs.effort}: {name}: {' '.join(argv)} (time-out {timeout}s{alone_note})")
            running = run.state_dir("running") / step
            outcome = run_command(argv, cwd=run.worktree, env=env, timeout=timeout, log_path=log_path,
                                  redact=run.redact, echo=run.echo, group_file=running)  # fmt: skip
            run.result.tested_alone |= alone and run.inputs.mode != "pod"
    except MachineBusy as exc:
        raise StepFailed(step, str(exc), transient=True) from None
    return outcome


def problem(what: str, outcome: CommandResult) -> str | None:
    if outcome.timed_out:
        return f"{what} timed out after {outcome.seconds:.0f}s; its whole process group was killed"
    if outcome.returncode == 0:
        return None
    last = next((ln for ln in reversed(outcome.tail) if ln.strip()), "").strip()
    if len(last) > REASON_LINE_CHARS:
        last = last[:REASON_LINE_CHARS] + " [...]"  # the log has it all; the reason travels in the result and its note
    tail = f": {last}" if last else ""
    return f"{what} failed (exit {outcome.returncode}){tail} (log: {outcome.log_path})"


def test(run: Run, env: dict[str, str], log_name: str = "") -> tuple[str, str | None]:
    """(the test output, why the tests failed or None); no test command: nothing to say."""
    argv = run.inputs.test
    if not argv:
        return "", None
    with run.step("test"):
        outcome = command(run, "test", argv, env, run.inputs.test_timeout, log_name)
    return read_output(outcome.log_path), problem("tests", outcome)


def say_which_tests_failed(result: EffortResult, reason: str) -> str:
    """A test command's last line is often its build tool's (`make: *** [test] Error 1`); the test reports say more."""
    m = result.metrics
    if not m.tests_failed or not reason.startswith("tests failed (exit"):
        return reason
    log = result.logs.get("test")
    counts = f"{m.tests_failed} failed, {m.tests_passed or 0} passed"
    return f"tests failed: {counts}, by the test reports" + (f" (log: {log})" if log else "")


def machine_lock(run: Run) -> Path | None:
    """The lock the local backend's efforts share their worker with; none in a pod (see `machine`)."""
    if run.inputs.mode == "pod":
        return None
    named = run.environ.get("WAVEFLOW_MACHINE_LOCK")
    return Path(named) if named else run.workspace / STATE_DIR / "machine.lock"
