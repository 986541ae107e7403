"""Preflight checks against the git remote: the base ref, and the phase this plan follows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import git

from ..gitauth import authenticated
from ..plan.model import Plan
from ..plan.names import base_ref_problem
from ..runner.checks import url_problem
from ..runner.redact import Redactor
from . import CheckResult


def remote_head(repo_url: str, ref: str, timeout: float = 60) -> str | None:
    """The commit `ref` points at on the remote, or None when the remote has no such branch or tag."""
    with authenticated(repo_url) as (url, env):
        out = str(git.cmd.Git().ls_remote(url, ref, env=env, kill_after_timeout=timeout))
    wanted = {ref, f"refs/heads/{ref}", f"refs/tags/{ref}"}
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        if name in wanted:
            return sha
    return None


def _refused(name: str, repo_url: str, ref: str) -> CheckResult | None:
    """What git is never asked about: a run's `base_ref` parameter the plan's own `base_ref` would not pass, a
    repository the runner would not take (both might reach git as options)."""
    why = base_ref_problem(ref)
    if why:
        return CheckResult(name, False, f"base_ref {ref!r}: {why}")
    why = url_problem(repo_url)
    return CheckResult(name, False, Redactor.for_run(repo_url)(why)) if why else None


def base_ref(repo_url: str | None, ref: str) -> CheckResult:
    if not repo_url:
        return CheckResult("base-ref", False, "no repository: set `repo` in the plan or WAVEFLOW_REPO_URL")
    wrong = _refused("base-ref", repo_url, ref)
    if wrong:
        return wrong
    redact = Redactor.for_run(repo_url)
    try:
        head = remote_head(repo_url, ref)
    except git.GitCommandError as exc:
        why = (exc.stderr or str(exc)).strip().splitlines()[-1:] or ["git failed"]
        return CheckResult("base-ref", False, redact(f"cannot reach {repo_url}: {why[0]}; check the URL/credentials"))
    if head is None:
        return CheckResult("base-ref", False, redact(f"{ref!r} does not exist on {repo_url}; push it or fix base_ref"))
    return CheckResult("base-ref", True, f"{ref} is at {head[:12]}; the run builds on that commit", {"head": head})


def previous_phase(
    previous: Plan | None, follows: str | None, repo_url: str | None, base: str, branch_status: Callable[..., Any]
) -> CheckResult:
    """Every effort branch of the phase this plan follows is merged into the base ref ("previous phase PRs merged")."""
    if not follows:
        return CheckResult("previous-phase", True, "the plan follows no other phase")
    if previous is None:
        return CheckResult("previous-phase", False, f"plan {follows!r} (named in `follows`) was not found")
    if not repo_url:
        return CheckResult("previous-phase", False, "no repository to check the previous phase against")
    wrong = _refused("previous-phase", repo_url, base)
    if wrong:
        return wrong
    unmerged = []
    for effort in previous.efforts:
        status = branch_status(repo_url, previous.branch_of(effort), base)
        if not status.exists:
            unmerged.append(f"{previous.branch_of(effort)} (not on the remote)")
        elif not status.merged:
            unmerged.append(previous.branch_of(effort))
    if unmerged:
        return CheckResult(
            "previous-phase", False, f"{follows}: not merged into {base}: {', '.join(unmerged)}; merge those first"
        )
    return CheckResult(
        "previous-phase", True, f"all {len(previous.efforts)} branches of {follows} are merged into {base}"
    )
