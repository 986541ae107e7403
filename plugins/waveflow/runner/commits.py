"""Commits the runner makes, with trailers that say where each change came from, and the push that never forces."""

from __future__ import annotations

from .errors import StepFailed
from .gitcmd import Git


def trailers(plan: str, effort: str, run_id: str) -> str:
    lines = [f"Waveflow-Plan: {plan}", f"Waveflow-Effort: {effort}"]
    if run_id:
        lines.append(f"Waveflow-Run: {run_id}")
    return "\n".join(lines)


def commit_all(wt: Git, subject: str, trailer_block: str) -> str | None:
    """Commit everything the implement command left in the worktree; None when it changed nothing."""
    wt("add", "--all", step="commit")
    if wt.status("diff", "--cached", "--quiet")[0] == 0:
        return None
    wt("commit", "--quiet", "--no-verify", "-m", f"{subject}\n\n{trailer_block}", step="commit")
    return wt("rev-parse", "HEAD", step="commit")


def new_commits(wt: Git, since: str) -> list[str]:
    out = wt("rev-list", "--reverse", f"{since}..HEAD", step="commit")
    return out.split()


def push(wt: Git, branch: str) -> None:
    """Push without force: when someone else moved the branch meanwhile, their commits win and this run fails."""
    status, _, err = wt.status("push", "origin", f"HEAD:refs/heads/{branch}")
    if status == 0:
        return
    text = err.lower()
    if "non-fast-forward" in text or "fetch first" in text or "[rejected]" in text:
        raise StepFailed(
            "push",
            f"push rejected: {branch!r} on the remote has commits this run does not have (someone pushed meanwhile); "
            "nothing was forced — rerun to resume from them",
        )
    said = [ln.strip() for ln in err.splitlines() if ln.startswith("remote:") or "rejected" in ln]
    why = "; ".join(said) if said else wt.describe_failure(("push",), err)
    raise StepFailed("push", wt.redact(f"push of {branch!r} failed: {why}"))
