"""One effort, start to finish: fetch, start point, implement, commit, test, measure, push, record.

Whatever happens after the start point exists, the branch is pushed (work is never lost) and a result is returned
that says what failed and why.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from . import commits, memo
from .contract import AIRFLOW_PREFIXES, RunnerInputs
from .errors import StepFailed
from .gitcmd import Git, git_env
from .machine import MachineBusy, machine_slot
from .metrics import collect
from .metrics.evidence import Evidence, find_reports
from .process import CommandResult, end_leftover_group, run_command
from .redact import SECRET_FILE_VARS, SECRET_VARS, Redactor, split_credentials
from .remote import RemoteState, read_remote
from .result import EffortResult, Timing
from .startpoint import build_start_point
from .workspace import STATE_DIR, Checkout, prepare_local, prepare_pod, worktree_path

# Never handed to the implement or test command: pushing is the runner's job, not the agent's.
_WITHHELD = (*SECRET_VARS, *SECRET_FILE_VARS, "GIT_USERNAME", "GIT_ASKPASS", "WAVEFLOW_GIT_PASSWORD")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def normalize_url(url: str) -> str:
    """Local paths become absolute (git runs in other directories); URLs are kept as they are."""
    if "://" in url or (":" in url.split("/", 1)[0] and not url.startswith("/")):
        return url
    return str(Path(url).resolve())


@dataclass
class Run:
    inputs: RunnerInputs
    environ: Mapping[str, str]
    echo: TextIO | None
    redact: Redactor
    workspace: Path
    worktree: Path
    url: str
    result: EffortResult
    git_environment: dict[str, str] = field(default_factory=dict)

    def log(self, message: str) -> None:
        print(self.redact(f"waveflow-runner: {message}"), file=sys.stderr, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.result.timing.seconds[name] = round(time.monotonic() - started, 3)

    def git(self, path: Path) -> Git:
        return Git(path, self.git_environment, self.redact)

    def state_dir(self, kind: str) -> Path:
        return self.workspace / STATE_DIR / kind / self.worktree.relative_to(self.workspace.resolve()).as_posix()

    def command_env(self, reports: Path) -> dict[str, str]:
        env = {k: v for k, v in self.environ.items() if k not in _WITHHELD and not k.startswith(AIRFLOW_PREFIXES)}
        env.update(self.inputs.to_env())
        env["WAVEFLOW_REPO"] = self.redact(self.inputs.repo)
        env["WAVEFLOW_WORKTREE"] = str(self.worktree)
        env["WAVEFLOW_REPORTS"] = str(reports)
        # `python3` in a command means the interpreter running the runner, with its packages (pytest, coverage...).
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
        return env


def run_effort(
    inputs: RunnerInputs, environ: Mapping[str, str] | None = None, echo: TextIO | None = sys.stderr
) -> EffortResult:
    environ = dict(os.environ if environ is None else environ)
    redact = Redactor.for_run(inputs.repo, environ)
    workspace = Path(inputs.workspace).absolute()
    worktree = worktree_path(workspace, inputs.worktree or inputs.branch.replace("/", "-"))
    ports = (inputs.port_start, inputs.port_end) if inputs.port_start and inputs.port_end else None
    result = EffortResult(
        plan=inputs.plan,
        effort=inputs.effort,
        run_id=inputs.run_id or None,
        status="failed",
        branch=inputs.branch,
        base_ref=inputs.base_ref,
        namespace=inputs.namespace or None,
        ports=ports,
        worktree=str(worktree) if inputs.mode == "local" else None,
        timing=Timing(started_at=_now()),
    )
    clean_url, user, password = split_credentials(normalize_url(inputs.repo))
    result.repo = redact(clean_url)
    run = Run(inputs, environ, echo, redact, workspace, worktree, clean_url, result)
    run.git_environment = git_env(environ, user, password, workspace / STATE_DIR)
    started = time.monotonic()
    try:
        _run(run)
    except StepFailed as exc:
        _fail(run, exc)
    run.result.timing.seconds["total"] = round(time.monotonic() - started, 3)
    run.result.timing.finished_at = _now()
    return run.result


def _fail(run: Run, exc: StepFailed) -> None:
    """Keep the first failure as the step, and say every reason."""
    reason = run.redact(exc.reason)
    r = run.result
    r.status = "failed"
    r.failure_reason = f"{r.failure_reason}; {reason}" if r.failure_reason else reason
    r.failed_step = r.failed_step or exc.step
    run.log(f"{r.effort}: {exc.step} failed: {reason}")


def _run(run: Run) -> None:
    inputs, result = run.inputs, run.result
    run.workspace.mkdir(parents=True, exist_ok=True)
    _end_leftovers(run)
    with run.step("fetch"):
        remote = read_remote(
            run.git(run.workspace), run.url, inputs.base_ref, inputs.dependency_branches, inputs.branch
        )
        key = memo.inputs_key(inputs, remote)
        result.inputs_key, result.base_commit = key, remote.base.sha
        checkout = _prepare(run, remote)
    recorded = memo.recorded_result(checkout.repo, remote, key)
    if recorded is not None:
        _reuse(run, recorded)
        return
    with run.step("worktree"):
        checkout.create_worktree(remote.base.sha)
    trailer_block = commits.trailers(inputs.plan, inputs.effort, inputs.run_id)
    with run.step("merge"):
        start = build_start_point(checkout.worktree, remote, inputs.branch, trailer_block)
    result.start_point = start
    before = remote.branch.sha if remote.branch else start
    run.log(f"{inputs.effort}: starting from {start[:12]} on {inputs.branch}")

    reports = run.state_dir("reports")
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    env = run.command_env(reports)
    worked = _implement(run, checkout.worktree, env, trailer_block)
    test_output = _test(run, env) if worked else ""

    with run.step("metrics"):
        files = find_reports(run.worktree, checkout.worktree, reports)
        evidence = Evidence(run.worktree, files, test_output, checkout.worktree, start, inputs.exclude)
        result.metrics = collect(evidence)
    _say_which_tests_failed(result)
    result.commits = commits.new_commits(checkout.worktree, before)
    with run.step("push"):
        commits.push(checkout.worktree, inputs.branch)
    result.pushed = True
    result.head = checkout.worktree("rev-parse", "HEAD", step="push")
    if result.failed_step is None:
        result.status = "succeeded"
    _record(run, checkout, key)


def _prepare(run: Run, remote: RemoteState) -> Checkout:
    if run.inputs.mode == "pod":
        return prepare_pod(run.url, run.worktree, remote, run.git)
    return prepare_local(run.workspace, run.url, run.worktree, remote, run.git)


def _reuse(run: Run, recorded: EffortResult) -> None:
    fresh = run.result
    kept = recorded.model_copy(
        update={
            "memoized": True,
            "recorded_by_run": recorded.run_id,
            "run_id": fresh.run_id,
            "timing": fresh.timing,
            "worktree": None,
            "repo": fresh.repo,
            "base_commit": fresh.base_commit,
        }
    )
    run.result = kept
    run.log(f"{fresh.effort}: inputs unchanged since run {recorded.run_id or '?'}: reusing its result ({kept.head})")


def _implement(run: Run, wt: Git, env: dict[str, str], trailer_block: str) -> bool:
    argv = run.inputs.implement
    if argv:
        with run.step("implement"):
            outcome = _command(run, "implement", argv, env, run.inputs.implement_timeout)
        problem = outcome if isinstance(outcome, str) else _command_problem("implement command", outcome)
        if problem:
            _fail(run, StepFailed("implement", problem))
    with run.step("commit"):
        # Even a failed implement's partial work is committed and pushed: a rerun resumes from it.
        commits.commit_all(wt, f"{run.inputs.effort}: {_effort_title(run.inputs)}", trailer_block)
    return run.result.failed_step is None


def _test(run: Run, env: dict[str, str]) -> str:
    argv = run.inputs.test
    if not argv:
        return ""
    with run.step("test"):
        outcome = _command(run, "test", argv, env, run.inputs.test_timeout)
    if isinstance(outcome, str):
        _fail(run, StepFailed("test", outcome))
        return ""
    problem = _command_problem("tests", outcome)
    if problem:
        _fail(run, StepFailed("test", problem))
    return outcome.log_path.read_text(encoding="utf-8", errors="replace")


def _command(run: Run, step: str, argv: list[str], env: dict[str, str], timeout: int) -> CommandResult | str:
    """The command's outcome, or why it never ran (the machine stayed busy for its whole time-out)."""
    log_path = run.state_dir("logs") / f"{step}.log"
    run.result.logs[step] = str(log_path)
    alone = run.inputs.exclusive and step == "test"
    try:
        with machine_slot(_machine_lock(run), alone, timeout) as waited:
            if waited:
                run.result.timing.waited[step] = waited
                run.log(f"{run.inputs.effort}: {step}: waited {waited:.1f}s for the machine")
            alone_note = ", alone on the machine" if alone else ""
            run.log(f"{run.inputs.effort}: {step}: {' '.join(argv)} (time-out {timeout}s{alone_note})")
            running = run.state_dir("running") / step
            outcome = run_command(argv, cwd=run.worktree, env=env, timeout=timeout, log_path=log_path,
                                  redact=run.redact, echo=run.echo, group_file=running)  # fmt: skip
            run.result.tested_alone |= alone and run.inputs.mode != "pod"
    except MachineBusy as exc:
        return str(exc)
    return outcome


def _say_which_tests_failed(result: EffortResult) -> None:
    """A test command's last line is often its build tool's (`make: *** [test] Error 1`); the test reports say more."""
    m = result.metrics
    reason = result.failure_reason or ""
    if result.failed_step != "test" or not m.tests_failed or not reason.startswith("tests failed (exit"):
        return
    log = result.logs.get("test")
    counts = f"{m.tests_failed} failed, {m.tests_passed or 0} passed"
    result.failure_reason = f"tests failed: {counts}, by the test reports" + (f" (log: {log})" if log else "")


def _machine_lock(run: Run) -> Path | None:
    """The lock the local backend's efforts share their worker with; none in a pod (see `machine`)."""
    if run.inputs.mode == "pod":
        return None
    named = run.environ.get("WAVEFLOW_MACHINE_LOCK")
    return Path(named) if named else run.workspace / STATE_DIR / "machine.lock"


def _end_leftovers(run: Run) -> None:
    """A runner killed mid-command left that command running in the worktree: end it before anything else."""
    running = run.state_dir("running")
    for group_file in sorted(running.glob("*")) if running.is_dir() else []:
        if not group_file.is_file():
            continue  # a directory here belongs to another effort, whose worktree name nests under this one
        pgid = end_leftover_group(group_file)
        if pgid is not None:
            run.log(f"{run.inputs.effort}: ended the {group_file.name} command a killed runner left (group {pgid})")


def _command_problem(what: str, outcome: CommandResult) -> str | None:
    if outcome.timed_out:
        return f"{what} timed out after {outcome.seconds:.0f}s; its whole process group was killed"
    if outcome.returncode == 0:
        return None
    last = next((ln for ln in reversed(outcome.tail) if ln.strip()), "")
    tail = f": {last.strip()}" if last else ""
    return f"{what} failed (exit {outcome.returncode}){tail} (log: {outcome.log_path})"


def _effort_title(inputs: RunnerInputs) -> str:
    try:
        spec = json.loads(inputs.effort_spec) if inputs.effort_spec else {}
    except json.JSONDecodeError:
        spec = {}
    name = spec.get("name") if isinstance(spec, dict) else None
    return str(name) if name else "implement"


def _record(run: Run, checkout: Checkout, key: str) -> None:
    with run.step("record"), checkout.locked():
        try:
            memo.record(checkout.repo, run.result.head or "", key, run.result)
        except StepFailed as exc:
            # The work is pushed; without the note a rerun only redoes it.
            run.log(f"{run.inputs.effort}: warning: {exc.reason}")
