"""One effort, start to finish: fetch, start point, brief, the agent's loop (implement, commit, test, measure,
push), record.

Whatever happens after the start point exists, the branch is pushed (work is never lost) and a result is returned
that says what failed and why.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from . import brief, commits, memo, steps
from .contract import RunnerInputs
from .effort_lock import effort_lock, lock_wait
from .errors import StepFailed
from .gitcmd import git_env
from .integrate import AwaitingPerson, Integration, merge_wave, publish
from .loop import Loop, profile_of
from .metrics import collect
from .metrics.evidence import Evidence, find_reports
from .process import end_leftover_group
from .redact import Redactor, split_credentials
from .remote import RemoteState, read_remote
from .result import EffortResult, Timing
from .run import Run, now
from .startpoint import build_start_point
from .workspace import STATE_DIR, Checkout, prepare_local, prepare_pod, worktree_path


def normalize_url(url: str) -> str:
    """Local paths become absolute (git runs in other directories); URLs are kept as they are."""
    if "://" in url or (":" in url.split("/", 1)[0] and not url.startswith("/")):
        return url
    return str(Path(url).resolve())


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
        timing=Timing(started_at=now()),
    )
    clean_url, user, password = split_credentials(normalize_url(inputs.repo))
    result.repo = redact(clean_url)
    run = Run(inputs, environ, echo, redact, workspace, worktree, clean_url, result)
    run.git_environment = git_env(environ, user, password, workspace / STATE_DIR)
    started = time.monotonic()
    try:
        run.workspace.mkdir(parents=True, exist_ok=True)
        lock = run.state_dir("locks")
        with effort_lock(lock.with_name(lock.name + ".lock"), lock_wait(environ), inputs.run_id):
            _run(run)
    except StepFailed as exc:
        run.fail(exc)
    run.result.timing.seconds["total"] = round(time.monotonic() - started, 3)
    run.result.timing.finished_at = now()
    return run.result


def _run(run: Run) -> None:
    inputs, result = run.inputs, run.result
    _end_leftovers(run)
    integration = Integration.parse(inputs.integration) if inputs.integration else None
    with run.step("fetch"):
        remote = read_remote(
            run.git(run.workspace), run.url, inputs.base_ref, inputs.dependency_branches, inputs.branch,
            optional_dependencies=integration is not None,
        )  # fmt: skip
        if integration is not None:
            found = {d.name for d in remote.dependencies}
            if never := [b for b in inputs.dependency_branches if b not in found]:
                run.log(f"{inputs.effort}: left out, not on the remote (their efforts never ran): {', '.join(never)}")
        checkout = _prepare(run, remote)
        task_brief = brief.compose(inputs, brief.delivered(checkout.repo, remote))
        key = memo.inputs_key(inputs, remote, task_brief)
        result.inputs_key, result.base_commit = key, remote.base.sha
    recorded = memo.recorded_result(checkout.repo, remote, key)
    if recorded is not None:
        _reuse(run, recorded)
        return
    with run.step("worktree"):
        checkout.create_worktree(remote.base.sha)
    trailer_block = commits.trailers(inputs.plan, inputs.effort, inputs.run_id)
    with run.step("merge"):
        if integration is None:
            start = build_start_point(checkout.worktree, remote, inputs.branch, trailer_block)
        else:
            try:
                start = merge_wave(run, checkout.worktree, remote, trailer_block, integration)
            except AwaitingPerson as todo:
                _leave_for_person(run, checkout, str(todo))
                return
    result.start_point = start
    before = remote.branch.sha if remote.branch else start
    run.log(f"{inputs.effort}: starting from {start[:12]} on {inputs.branch}")

    reports = run.state_dir("reports")
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)
    profile = None if integration else profile_of(inputs)  # an integration implements nothing: it tests
    if profile is None:
        _test_only(run, checkout, reports, start)
    else:
        # Outside the worktree: the brief is the agent's to read, never part of the change.
        brief_dir = run.state_dir("agent")
        shutil.rmtree(brief_dir, ignore_errors=True)
        brief_dir.mkdir(parents=True)
        brief_file = brief_dir / "brief.md"
        brief_file.write_text(task_brief, encoding="utf-8")
        try:
            Loop(run, checkout.worktree, profile, brief_file, trailer_block, start, reports).go()
        except StepFailed as exc:
            run.fail(exc)
    result.commits = commits.new_commits(checkout.worktree, before)
    _push(run, checkout)
    if result.failed_step is None:
        result.status = "succeeded"
        if integration is not None:
            publish(run, checkout.worktree, integration)
    _record(run, checkout, key)


def _leave_for_person(run: Run, checkout: Checkout, todo: str) -> None:
    """Push the integration branch as far as it merged, so a person can resolve the conflict on it. Nothing is tested
    and nothing recorded: the integration is not done, and a rerun must try the merge again."""
    _push(run, checkout)
    run.result.awaiting_person = todo
    run.result.status = "succeeded"
    run.log(f"{run.inputs.effort}: left for a person: {todo}")


def _push(run: Run, checkout: Checkout) -> None:
    with run.step("push"):
        commits.push(checkout.worktree, run.inputs.branch)
    run.result.pushed = True
    run.result.head = checkout.worktree("rev-parse", "HEAD", step="push")


def _test_only(run: Run, checkout: Checkout, reports: Path, start: str) -> None:
    """No agent and no implement command: test and measure what the start point holds."""
    output, why = steps.test(run, run.command_env(reports))
    with run.step("metrics"):
        files = find_reports(run.worktree, checkout.worktree, reports)
        evidence = Evidence(run.worktree, files, output, checkout.worktree, start, run.inputs.exclude)
        run.result.metrics = collect(evidence)
    if why:
        run.fail(StepFailed("test", steps.say_which_tests_failed(run.result, why)))


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


def _end_leftovers(run: Run) -> None:
    """A runner killed mid-command left that command running in the worktree: end it before anything else. Only
    called under the effort's lock, so the runner that left it is dead."""
    running = run.state_dir("running")
    for group_file in sorted(running.glob("*")) if running.is_dir() else []:
        if not group_file.is_file():
            continue  # a directory here belongs to another effort, whose worktree name nests under this one
        pgid = end_leftover_group(group_file)
        if pgid is not None:
            run.log(f"{run.inputs.effort}: ended the {group_file.name} command a killed runner left (group {pgid})")


def _record(run: Run, checkout: Checkout, key: str) -> None:
    """A result not recorded fails the effort (StepFailed): the landing sensor would wait its whole time-out for it."""
    with run.step("record"), checkout.locked():
        memo.record(checkout.repo, run.result.head or "", key, run.result)
