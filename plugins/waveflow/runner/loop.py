"""The implement–test–feedback loop: the effort's agent runs with the task brief, its change is committed and pushed,
tested and measured; while tests fail or a gate would be missed, the next iteration gets what failed. Up to the
profile's `max_iterations`, and never past its `max_cost_usd`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import commits, feedback, steps
from .agents import Adapter, Usage, adapter_for
from .agents.parse import report_file
from .brief import parse_json
from .contract import RunnerInputs
from .errors import StepFailed
from .gitcmd import Git
from .metrics import collect
from .metrics.evidence import Evidence, find_reports
from .process import read_output
from .result import AgentRecord, Iteration
from .run import Run, now

PLACEHOLDERS = ("brief_file", "feedback_file", "agent_dir", "iteration", "effort_id", "branch", "worktree")


@dataclass(frozen=True)
class Profile:
    name: str
    command: list[str]
    adapter: Adapter | None
    max_iterations: int = 1
    env: dict[str, str] = field(default_factory=dict)
    max_cost_usd: float | None = None


def profile_from(data: dict[str, Any]) -> Profile:
    """A profile from its canonical JSON (`from_plan.agent_profile`)."""
    raw_command = data.get("command")
    adapter = adapter_for(data.get("adapter"), raw_command)
    command = list(raw_command) if raw_command else adapter.argv(data.get("model")) if adapter else []
    return Profile(
        str(data.get("name") or "agent"), command, adapter, int(data.get("max_iterations") or 1),
        dict(data.get("env") or {}), data.get("max_cost_usd"),
    )  # fmt: skip


def profile_of(inputs: RunnerInputs) -> Profile | None:
    """The plan's profile for the effort; a plan without one runs `implement` once; neither: nothing to implement."""
    data = parse_json(inputs.agent_profile)
    if data:
        return profile_from(data)
    if inputs.implement:
        return Profile("implement", list(inputs.implement), adapter_for(None, inputs.implement))
    return None


def agent_call(
    run: Run, profile: Profile, brief_file: Path, feedback_file: Path, n: int, reports: Path, report: Path
) -> tuple[list[str], dict[str, str]]:
    """The agent's argv (placeholders filled) and environment for one call."""
    env = run.command_env(reports, agent=True)
    env.update(profile.env)
    env.update(
        WAVEFLOW_BRIEF_FILE=str(brief_file), WAVEFLOW_FEEDBACK_FILE=str(feedback_file), WAVEFLOW_ITERATION=str(n),
        WAVEFLOW_MAX_ITERATIONS=str(profile.max_iterations), WAVEFLOW_AGENT_REPORT=str(report),
    )  # fmt: skip
    values = {"brief_file": str(brief_file), "feedback_file": str(feedback_file), "agent_dir": str(brief_file.parent),
              "iteration": str(n), "effort_id": run.inputs.effort, "branch": run.inputs.branch,
              "worktree": str(run.worktree)}  # fmt: skip
    return fill(profile.command, values), env


def fill(argv: list[str], values: dict[str, str]) -> list[str]:
    """Placeholders in argv elements, one by one (`str.format` would also read attributes and indexes)."""
    out = []
    for word in argv:
        for name in PLACEHOLDERS:
            word = word.replace("{" + name + "}", values.get(name, ""))
        out.append(word)
    return out


@dataclass
class Loop:
    run: Run
    wt: Git
    profile: Profile
    brief_file: Path
    trailer_block: str
    start: str
    reports: Path
    record: AgentRecord = field(init=False)
    test_output: str = ""
    _test_reason: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        p = self.profile
        self.record = AgentRecord(
            profile=p.name, adapter=p.adapter.name if p.adapter else None, max_iterations=p.max_iterations,
            brief_file=str(self.brief_file),
        )  # fmt: skip
        self.run.result.agent = self.record

    def go(self) -> None:
        run, p = self.run, self.profile
        self._exclude_scratch()
        text = feedback.first(str(self.brief_file), p.max_iterations)
        for n in range(1, p.max_iterations + 1):
            stop = self._over_budget(n)
            if stop:
                self.record.stopped = stop
                run.log(f"{run.inputs.effort}: {stop}")
                break
            it = self._iteration(n, text)
            if run.result.failed_step is not None or self._passed(it):
                return
            if n == p.max_iterations:
                break
            text = self._feedback(n + 1, it)
            # What the tests left in the worktree (reports, scratch files) is not the agent's change: the commit
            # left nothing untracked, so anything untracked now came from the tests. Ignored files stay.
            self.wt.status("clean", "-fdq")
        self._give_up()

    def _iteration(self, n: int, text: str) -> Iteration:
        run, p, inputs = self.run, self.profile, self.run.inputs
        it = Iteration(number=n, started_at=now())
        self.record.iterations.append(it)
        feedback_file = self.brief_file.with_name(f"feedback-{n}.md")
        feedback_file.write_text(text, encoding="utf-8")
        report = self.brief_file.with_name(f"agent-report-{n}.json")
        report.unlink(missing_ok=True)
        argv, env = agent_call(run, p, self.brief_file, feedback_file, n, self.reports, report)
        started = time.monotonic()
        try:
            with run.step("implement"):
                outcome = steps.command(run, "implement", argv, env, inputs.implement_timeout,
                                        f"implement-{n}")  # fmt: skip
        except StepFailed as exc:
            run.fail(exc)
            return it
        it.seconds = round(time.monotonic() - started, 3)
        it.exit_code = outcome.returncode
        it.transcript = str(outcome.log_path)
        self._usage(it, outcome.log_path, report)
        with run.step("commit"):
            # Even a failed agent's partial work is committed (and pushed): a rerun resumes from it.
            it.commit = commits.commit_all(self.wt, self._subject(n), self._trailers(n))
        why = steps.problem("the agent" if p.adapter or p.name != "implement" else "implement command", outcome)
        if why:
            run.fail(StepFailed("implement", why))
            return it
        self._test(it)
        self._push()
        return it

    def _test(self, it: Iteration) -> None:
        run = self.run
        env = run.command_env(self.reports)
        output, why = steps.test(run, env, f"test-{it.number}")
        self.test_output = output
        with run.step("metrics"):
            files = find_reports(run.worktree, self.wt, self.reports)
            evidence = Evidence(run.worktree, files, output, self.wt, self.start, run.inputs.exclude)
            run.result.metrics = collect(evidence)
        m = run.result.metrics
        it.tests_passed, it.tests_failed, it.failed_tests = m.tests_passed, m.tests_failed, list(m.failed_tests)
        it.gate_misses = feedback.gate_misses(run.inputs, run.result) if self.profile.max_iterations > 1 else []
        self._test_reason = steps.say_which_tests_failed(run.result, why) if why else None

    def _passed(self, it: Iteration) -> bool:
        return self._test_reason is None and not it.gate_misses

    def _feedback(self, n: int, it: Iteration) -> str:
        run = self.run
        log = feedback.after(
            n, self.profile.max_iterations, str(self.brief_file), it.commit, run.inputs.test, it.failed_tests,
            self._test_reason, self.test_output, it.gate_misses,
        )  # fmt: skip
        what = "tests failing" if self._test_reason else "gates missed"
        run.log(f"{run.inputs.effort}: iteration {it.number}: {what}; iteration {n} gets the feedback")
        return run.redact(log)

    def _give_up(self) -> None:
        """The last iteration ran (or the budget ended the loop): its tests decide the effort; misses are the gates'."""
        run = self.run
        last = self.record.iterations[-1] if self.record.iterations else None
        if last is not None and self._test_reason:
            n = len(self.record.iterations)
            run.fail(StepFailed("test", f"{self._test_reason} (after {n} iteration{'s' if n > 1 else ''})"))
        elif last is not None and last.gate_misses and not self.record.stopped:
            self.record.stopped = f"gates still missed after {last.number} iterations: " + "; ".join(last.gate_misses)
        if self.record.stopped and run.result.failed_step == "test":
            run.result.failure_reason = f"{run.result.failure_reason}; {self.record.stopped}"

    def _over_budget(self, n: int) -> str | None:
        limit = self.profile.max_cost_usd
        spent = self.record.cost_usd
        if n == 1 or limit is None or spent is None:
            return None
        last = self.record.iterations[-1].cost_usd or 0.0
        if spent + last > limit:
            return (
                f"stopped before iteration {n}: ${spent:.2f} spent, and another iteration like the last "
                f"(${last:.2f}) would pass max_cost_usd ${limit:.2f}"
            )
        return None

    def _usage(self, it: Iteration, log_path: Path, report: Path) -> None:
        parsed = Usage()
        if self.profile.adapter is not None:
            parsed = self.profile.adapter.read_usage(read_output(log_path))
        written, problem = report_file(report)
        if problem:
            self.run.log(f"{self.run.inputs.effort}: {problem}")
        usage = parsed.merged(written)
        it.cost_usd, it.tokens_in, it.tokens_out = usage.cost_usd, usage.tokens_in, usage.tokens_out
        it.turns, it.model = usage.turns, usage.model
        rec = self.record
        rec.model = usage.model or rec.model
        for attr in ("cost_usd", "tokens_in", "tokens_out"):
            value = getattr(usage, attr)
            if value is not None:
                total = (getattr(rec, attr) or 0) + value
                setattr(rec, attr, round(total, 6) if attr == "cost_usd" else total)

    def _exclude_scratch(self) -> None:
        """What the agent's CLI keeps in the worktree (its chat history, caches) is not the change: never committed."""
        patterns = self.profile.adapter.scratch if self.profile.adapter else ()
        if not patterns:
            return
        status, out, _ = self.wt.status("rev-parse", "--git-path", "info/exclude")
        if status != 0:
            return
        exclude = Path(out.strip())
        if not exclude.is_absolute():
            exclude = self.run.worktree / exclude
        have = exclude.read_text(encoding="utf-8").splitlines() if exclude.is_file() else []
        missing = [p for p in patterns if p not in have]
        if missing:
            exclude.parent.mkdir(parents=True, exist_ok=True)
            exclude.write_text("\n".join([*have, *missing]) + "\n", encoding="utf-8")

    def _push(self) -> None:
        with self.run.step("push"):
            commits.push(self.wt, self.run.inputs.branch)
        self.run.result.pushed = True

    def _subject(self, n: int) -> str:
        title = str(parse_json(self.run.inputs.effort_spec).get("name") or "implement")
        return f"{self.run.inputs.effort}: {title}" + (f" (iteration {n})" if n > 1 else "")

    def _trailers(self, n: int) -> str:
        return f"{self.trailer_block}\nWaveflow-Iteration: {n}"
