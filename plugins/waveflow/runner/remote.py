"""What the remote holds, from one `git ls-remote`: the commits an effort starts from, and whether its branch exists."""

from __future__ import annotations

from dataclasses import dataclass

from .contract import NOTES_REF
from .errors import StepFailed
from .gitcmd import Git


@dataclass(frozen=True)
class RemoteRef:
    name: str  # as the plan says it: `main`, `feature/x`, `v1.2`
    ref: str  # full name on the remote: `refs/heads/main`
    sha: str


@dataclass(frozen=True)
class RemoteState:
    base: RemoteRef
    dependencies: list[RemoteRef]
    branch: RemoteRef | None  # the effort's branch, when a previous run (or a person) already pushed it
    notes: str | None  # head of refs/notes/waveflow


def read_remote(
    g: Git, url: str, base_ref: str, dependency_branches: list[str], branch: str, *, optional_dependencies: bool = False
) -> RemoteState:
    """The remote's refs for an effort. With `optional_dependencies` (a wave's integration), a dependency branch that
    is not on the remote (an effort that has never run) is left out instead of failing."""
    status, out, err = g.status("ls-remote", "--", url)
    if status != 0:
        # git's last lines ("Please make sure you have the correct access rights...") do not say which remote.
        why = g.describe_failure(("ls-remote",), err)
        raise StepFailed("fetch", f"cannot reach the repository: {why} (remote: {g.redact(url)})")
    refs: dict[str, str] = {}
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        if name.endswith("^{}"):  # an annotated tag, peeled: the commit is what matters
            refs[name[:-3]] = sha
        else:
            refs.setdefault(name, sha)

    def find(name: str, kinds: tuple[str, ...]) -> RemoteRef | None:
        for kind in kinds:
            full = f"refs/{kind}/{name}"
            if full in refs:
                return RemoteRef(name, full, refs[full])
        return None

    base = find(base_ref, ("heads", "tags"))
    if base is None:
        raise StepFailed(
            "fetch", f"base ref {base_ref!r} does not exist on the remote (no such branch or tag)", transient=False
        )
    deps = []
    missing = []
    for dep in dependency_branches:
        found = find(dep, ("heads",))
        if found is None:
            missing.append(dep)
        else:
            deps.append(found)
    if missing and not optional_dependencies:
        raise StepFailed(
            "fetch",
            f"dependency branch(es) not on the remote: {', '.join(missing)}; the efforts that push them must run first",
        )
    return RemoteState(base, deps, find(branch, ("heads",)), refs.get(NOTES_REF))


def tracking_ref(ref: RemoteRef) -> str:
    """Where a fetched remote ref is kept locally (never under refs/heads, which worktrees own)."""
    kind, _, name = ref.ref.removeprefix("refs/").partition("/")
    return f"refs/waveflow-remote/{kind}/{name}"
