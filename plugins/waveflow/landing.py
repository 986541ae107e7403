"""Has a wave really landed? Asked of the git remote, the only place every backend's work ends up.

An effort has landed when its branch is on the remote and the runner recorded a passing result on the branch head
(a note under `refs/notes/waveflow`); in `merged` mode its head must also be reachable from the base ref.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import git

from .gitauth import authenticated
from .runner.contract import NOTES_REF


@dataclass(frozen=True)
class BranchStatus:
    branch: str
    exists: bool
    head: str | None = None
    passed: bool = False
    merged: bool = False
    why: str = ""


@dataclass
class Landing:
    statuses: list[BranchStatus] = field(default_factory=list)

    def missing(self, mode: str) -> list[BranchStatus]:
        return [s for s in self.statuses if not (s.exists and s.passed and (mode != "merged" or s.merged))]

    def describe_missing(self, mode: str) -> str:
        return "; ".join(f"{s.branch}: {s.why}" for s in self.missing(mode))


def _recorded_status(repo: git.Repo, head: str) -> str | None:
    """The status the runner recorded on `head`, or None when it recorded nothing there."""
    import git

    try:
        raw = repo.git.notes(f"--ref={NOTES_REF}", "show", head)
    except git.GitCommandError:
        return None
    try:
        note = json.loads(raw)
    except json.JSONDecodeError:
        return None
    result = note.get("result", note) if isinstance(note, dict) else None
    status = result.get("status") if isinstance(result, dict) else None
    return status if isinstance(status, str) else None


def check(repo_url: str, branches: list[str], base_ref: str, cache_dir: Path | None = None) -> Landing:
    """Fetch the branches, the base ref and the runner's notes into a scratch bare repository and judge each branch."""
    import git  # GitPython costs a third of a DAG file's import; only tasks need it

    with (
        authenticated(repo_url) as (url, env),
        tempfile.TemporaryDirectory(prefix="waveflow-landing-", dir=cache_dir) as tmp,
    ):
        repo = git.Repo.init(tmp, bare=True)
        refs = str(repo.git.ls_remote(url, env=env))
        remote = {name: sha for sha, _, name in (line.partition("\t") for line in refs.splitlines())}
        wanted = [f"+refs/heads/{b}:refs/heads/{b}" for b in branches if f"refs/heads/{b}" in remote]
        if f"refs/heads/{base_ref}" in remote:
            wanted.append(f"+refs/heads/{base_ref}:refs/remotes/base")
        if NOTES_REF in remote:
            wanted.append(f"+{NOTES_REF}:{NOTES_REF}")
        if wanted:
            repo.git.fetch(url, *wanted, env=env)
        base = remote.get(f"refs/heads/{base_ref}")
        return Landing([_judge(repo, b, remote.get(f"refs/heads/{b}"), base, base_ref) for b in branches])


def _judge(repo: git.Repo, branch: str, head: str | None, base: str | None, base_ref: str) -> BranchStatus:
    import git

    if head is None:
        return BranchStatus(branch, False, why="not on the remote")
    status = _recorded_status(repo, head)
    merged = False
    if base is not None:
        try:
            repo.git.merge_base("--is-ancestor", head, base)
            merged = True
        except git.GitCommandError:
            merged = False
    if status != "succeeded":
        why = "no result recorded on its head" if status is None else f"its recorded result is {status}"
        return BranchStatus(branch, True, head, False, merged, why)
    why = "" if merged else f"not merged into {base_ref}"
    return BranchStatus(branch, True, head, True, merged, why)
