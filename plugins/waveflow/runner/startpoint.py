"""The commit an effort starts from: the base ref with each dependency branch merged in, in dependency order.

A branch that already exists on the remote is resumed, never replaced: the base and the dependencies are merged into
it, which is a no-op when it already has them, so a rerun adds no commits of its own.
"""

from __future__ import annotations

from .errors import StepFailed
from .gitcmd import Git
from .remote import RemoteRef, RemoteState, tracking_ref


def build_start_point(wt: Git, remote: RemoteState, branch: str, trailers: str) -> str:
    """Check the effort branch out in `wt` (positioned at the base commit); return the start point's commit."""
    for dep in remote.dependencies:
        _merge(wt, dep, trailers, into=f"the start point ({remote.base.name} + earlier dependencies)")
    start = wt("rev-parse", "HEAD", step="merge")
    if remote.branch is None:
        wt("checkout", "--quiet", "-B", branch, step="merge")
        return start
    wt("checkout", "--quiet", "-B", branch, tracking_ref(remote.branch), step="merge")
    for ref in (remote.base, *remote.dependencies):
        _merge(wt, ref, trailers, into=f"effort branch {branch!r} (resumed from the remote)")
    return start


def _merge(wt: Git, ref: RemoteRef, trailers: str, into: str) -> None:
    kind = "base ref" if ref.ref.startswith("refs/tags/") else "branch"
    message = f"Merge {kind} {ref.name}\n\n{trailers}"
    status, _, err = wt.status("merge", "--no-edit", "-m", message, tracking_ref(ref))
    if status == 0:
        return
    conflicted = wt("diff", "--name-only", "--diff-filter=U", step="merge").split()
    wt.status("merge", "--abort")
    if conflicted:
        raise StepFailed(
            "merge",
            f"merge conflict: {kind} {ref.name!r} does not merge into {into}; "
            f"conflicting files: {', '.join(conflicted)}",
        )
    raise StepFailed("merge", f"cannot merge {kind} {ref.name!r} into {into}: {wt.describe_failure(('merge',), err)}")
