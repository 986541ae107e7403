"""Where an effort's files live.

local: one bare repository per remote under `<workspace>/.waveflow/mirrors/`, shared by every effort of every run, and
one `git worktree` per effort, so starting an effort costs a fetch of what changed, not a clone.
pod: a partial clone (`--filter=blob:none`, one branch) in the pod's workspace; blobs arrive when a step needs them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..plan.model import slug
from .errors import InvalidInput
from .gitcmd import Git
from .remote import NOTES_REF, RemoteRef, RemoteState, tracking_ref

STATE_DIR = ".waveflow"


@contextlib.contextmanager
def file_lock(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class Checkout:
    repo: Git  # holds the objects and refs: the shared mirror, or the pod's clone
    path: Path  # the effort's files
    make_git: Callable[[Path], Git]
    lock_path: Path | None  # serializes ref and worktree updates on a shared mirror; None in a pod

    def locked(self) -> contextlib.AbstractContextManager[None]:
        return file_lock(self.lock_path)

    @property
    def worktree(self) -> Git:
        return self.make_git(self.path)

    def create_worktree(self, commit: str) -> None:
        """Put the effort's files at `commit`, detached: a fresh worktree (local), the clone's checkout (pod)."""
        if self.lock_path is None:
            self.repo("checkout", "--quiet", "--detach", commit, step="worktree")
            return
        with self.locked():
            if self.path.exists():
                self.repo.status("worktree", "remove", "--force", str(self.path))
                shutil.rmtree(self.path, ignore_errors=True)
            self.repo("worktree", "prune", step="worktree")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.repo("worktree", "add", "--quiet", "--detach", str(self.path), commit, step="worktree")


def worktree_path(workspace: Path, name: str) -> Path:
    """The worktree directory, refusing any name that would leave the workspace."""
    candidate = Path(name)
    if not name or candidate.is_absolute() or ".." in candidate.parts or candidate.parts[0].startswith("."):
        raise InvalidInput(f"worktree {name!r} must be a relative path inside the workspace, without '..' or dot-dirs")
    path = (workspace / candidate).resolve()
    if not path.is_relative_to(workspace.resolve()):
        raise InvalidInput(f"worktree {name!r} resolves outside the workspace {workspace}")
    return path


def mirror_path(workspace: Path, url: str) -> Path:
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    return workspace / STATE_DIR / "mirrors" / f"{slug(url.rstrip('/').rsplit('/', 1)[-1])[:40]}-{digest}.git"


def refspecs(remote: RemoteState) -> list[str]:
    wanted: list[RemoteRef] = [remote.base, *remote.dependencies]
    if remote.branch is not None:
        wanted.append(remote.branch)
    specs = [f"+{r.ref}:{tracking_ref(r)}" for r in wanted]
    if remote.notes:
        specs.append(f"+{NOTES_REF}:{NOTES_REF}")
    return specs


def prepare_local(
    workspace: Path, url: str, worktree: Path, remote: RemoteState, make_git: Callable[[Path], Git]
) -> Checkout:
    """Fetch what the effort needs into the shared mirror (created on first use)."""
    mirror = mirror_path(workspace, url)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    lock = mirror.with_suffix(".lock")
    with file_lock(lock):
        if not (mirror / "HEAD").is_file():
            make_git(mirror.parent)("init", "--quiet", "--bare", str(mirror), step="fetch")
            repo = make_git(mirror)
            # Efforts run side by side in this repository: an automatic gc repacking under them would race.
            repo("config", "gc.auto", "0", step="fetch")
            repo("remote", "add", "origin", url, step="fetch")
        else:
            repo = make_git(mirror)
            repo("remote", "set-url", "origin", url, step="fetch")
        repo("fetch", "--quiet", "--no-tags", "origin", *refspecs(remote), step="fetch")
    return Checkout(repo, worktree, make_git, lock)


def prepare_pod(url: str, worktree: Path, remote: RemoteState, make_git: Callable[[Path], Git]) -> Checkout:
    """A partial clone of the base ref alone, then the few other refs the effort needs; no checkout yet."""
    if worktree.exists():
        shutil.rmtree(worktree)
    worktree.parent.mkdir(parents=True, exist_ok=True)
    make_git(worktree.parent)(
        "clone", "--quiet", "--filter=blob:none", "--single-branch", "--no-tags", "--no-checkout",
        "--branch", remote.base.name, url, str(worktree), step="fetch",
    )  # fmt: skip
    clone = make_git(worktree)
    clone("fetch", "--quiet", "--no-tags", "origin", *refspecs(remote), step="fetch")
    return Checkout(clone, worktree, make_git, None)
