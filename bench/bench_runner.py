"""Starting an effort from the shared mirror (fetch + worktree) vs a fresh `git clone`, on a large generated repository.

Target: the mirror start is at least 10x faster. Also shown: the pod's partial clone, and a memoized rerun against
the full run it reuses. Every figure is the median of a few runs measured here, in this run.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from waveflow.runner.contract import RunnerInputs
from waveflow.runner.effort import run_effort
from waveflow.runner.gitcmd import Git, git_env
from waveflow.runner.remote import read_remote
from waveflow.runner.workspace import prepare_local, prepare_pod

FILES = 1000
HISTORY_COMMITS = 4000
TARGET = 10.0
REPEAT = 3


def generate(bare: Path) -> None:
    """A long, heavy history (large rewritten files) under a moderate tree of small files, in one git fast-import.

    Real repositories look like this: years of history, vendored code and assets since rewritten or dropped, weigh
    far more than today's checkout. A clone pays for all of it; an effort started from the mirror pays for neither.
    """
    rng = random.Random(7)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    importer = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=bare, stdin=subprocess.PIPE)
    assert importer.stdin is not None
    out = importer.stdin

    def blob(data: bytes) -> None:
        out.write(b"data %d\n" % len(data) + data + b"\n")

    def commit(n: int, files: dict[str, bytes]) -> None:
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer bench <bench@example.invalid> %d +0000\n" % (1_700_000_000 + n))
        blob(b"commit %d" % n)
        for path, data in files.items():
            out.write(b"M 100644 inline " + path.encode() + b"\n")
            blob(data)

    small = {f"src/pkg{i % 40}/file{i}.txt": f"file {i}\n".encode() * 100 for i in range(FILES)}
    commit(0, small)
    for n in range(1, HISTORY_COMMITS + 1):
        picked = rng.sample(range(FILES), 5)
        commit(n, {f"src/pkg{i % 40}/file{i}.txt": base64.b64encode(rng.randbytes(15_000)) for i in picked})
    commit(HISTORY_COMMITS + 1, small)
    out.close()
    if importer.wait() != 0:
        raise RuntimeError("git fast-import failed")


def push_small_change(bare: Path, scratch: Path, n: int) -> None:
    """Someone lands a commit on main, so each effort start has something to fetch."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@e"}  # fmt: skip
    head = subprocess.run(["git", "rev-parse", "main"], cwd=bare, capture_output=True, text=True).stdout.strip()
    tree = subprocess.run(["git", "rev-parse", "main^{tree}"], cwd=bare, capture_output=True, text=True).stdout.strip()
    new = subprocess.run(["git", "commit-tree", tree, "-p", head, "-m", f"landed {n}"], cwd=bare, env=env,
                         capture_output=True, text=True).stdout.strip()  # fmt: skip
    subprocess.run(["git", "update-ref", "refs/heads/main", new], cwd=bare, check=True)


def median_seconds(fn: Callable[[int], object], before: Callable[[int], object] = lambda n: None) -> float:
    samples = []
    for n in range(REPEAT):
        before(n)
        t0 = time.perf_counter()
        fn(n)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="waveflow-bench-runner-"))
    try:
        bare = root / "big.git"
        t0 = time.perf_counter()
        generate(bare)
        size_mb = sum(p.stat().st_size for p in bare.rglob("*") if p.is_file()) / 1e6
        print(f"generated {FILES} files, {HISTORY_COMMITS + 2} commits, {size_mb:.0f} MB packed "
              f"in {time.perf_counter() - t0:.1f}s")  # fmt: skip
        url = f"file://{bare}"
        workspace = root / "ws"
        env = git_env(os.environ, None, None, workspace / ".waveflow")

        def make_git(path: Path) -> Git:
            return Git(path, env, str)

        def clone(n: int) -> None:
            subprocess.run(["git", "clone", "-q", url, str(root / f"clone{n}")], check=True)

        def mirror_start(n: int) -> None:
            remote = read_remote(make_git(root), url, "main", [], f"effort/{n}")
            checkout = prepare_local(workspace, url, workspace / f"wt{n}", remote, make_git)
            checkout.create_worktree(remote.base.sha)

        def pod_start(n: int) -> None:
            remote = read_remote(make_git(root), url, "main", [], f"effort/{n}")
            checkout = prepare_pod(url, root / "pod" / f"wt{n}", remote, make_git)
            checkout.create_worktree(remote.base.sha)

        landed = iter(range(10**6))
        before = lambda n: push_small_change(bare, root, next(landed))  # noqa: E731
        clone_s = median_seconds(clone, before)
        t0 = time.perf_counter()
        mirror_start(99)  # the first effort ever creates the mirror: paid once per repository and machine
        first_s = time.perf_counter() - t0
        mirror_s = median_seconds(mirror_start, before)
        pod_s = median_seconds(pod_start, before)

        implement = ["python3", "-c", "open('x.txt', 'w').write('x')"]
        inputs = RunnerInputs(plan="bench", effort="1", run_id="bench", repo=url, branch="effort/memo",
                              workspace=str(workspace), implement=implement, test=[])  # fmt: skip
        with contextlib.redirect_stderr(io.StringIO()):  # the runner's own progress lines
            t0 = time.perf_counter()
            full = run_effort(inputs, echo=None)
            full_s = time.perf_counter() - t0
            memo_s = median_seconds(lambda n: run_effort(inputs, echo=None))
            memo_ok = run_effort(inputs, echo=None).memoized and full.status == "succeeded"

        ratio = clone_s / mirror_s
        rows = [
            ("fresh git clone (baseline)", clone_s, 1.0, ""),
            ("first effort: create the mirror", first_s, clone_s / first_s, "once per repository"),
            ("effort start: mirror fetch + worktree", mirror_s, ratio, f"target >= {TARGET:g}x"),
            ("pod start: partial clone + checkout", pod_s, clone_s / pod_s, "saves bandwidth; here it is free"),
            ("full effort run (start, commit, push)", full_s, 1.0, "baseline of the row below"),
            ("memoized rerun of it", memo_s, full_s / memo_s, "memoized" if memo_ok else "NOT MEMOIZED"),
        ]
        print(f"{'step':<40} {'seconds':>8} {'speed-up':>9}  note")
        for name, seconds, speedup, note in rows:
            print(f"{name:<40} {seconds:>8.3f} {speedup:>8.1f}x  {note}")
        verdict = "ok" if ratio >= TARGET and memo_ok else "MISSED"
        print(f"{verdict}: an effort starts {ratio:.1f}x faster from the shared mirror than from a fresh clone "
              f"(median of {REPEAT}, each after a new commit landed on main)")  # fmt: skip
        return 0 if verdict == "ok" else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
