"""Generate the demo target repository as a local bare git remote: `python3 include/demo/make_demo_repo.py DEST.git`.

The repository is `template/` beside this script, committed once on `main`. Commit dates and author are fixed, so the
same template always gives the same commit (reruns and memoized results line up across regenerations).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "template"
_IGNORE = shutil.ignore_patterns("__pycache__", "reports", ".coverage*", ".pytest_cache", ".benchmarks")
_FIXED = {
    "GIT_AUTHOR_NAME": "shelf maintainers",
    "GIT_AUTHOR_EMAIL": "shelf@example.invalid",
    "GIT_COMMITTER_NAME": "shelf maintainers",
    "GIT_COMMITTER_EMAIL": "shelf@example.invalid",
    "GIT_AUTHOR_DATE": "2025-01-06T09:00:00+00:00",
    "GIT_COMMITTER_DATE": "2025-01-06T09:00:00+00:00",
}


def git(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, **_FIXED}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def make_demo_repo(dest: Path, force: bool = False) -> str:
    """Create the bare repository `dest` with the demo on `main`; returns the commit."""
    if dest.exists():
        if not force:
            raise FileExistsError(f"{dest} exists (use --force to replace it)")
        shutil.rmtree(dest)
    with tempfile.TemporaryDirectory(prefix="waveflow-demo-") as tmp:
        work = Path(tmp) / "shelf"
        shutil.copytree(TEMPLATE, work, ignore=_IGNORE)
        git("init", "--quiet", "--initial-branch=main", cwd=work)
        git("add", "--all", cwd=work)
        git(
            "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "shelf: stock counts and a line protocol", cwd=work
        )
        git("init", "--quiet", "--bare", "--initial-branch=main", str(dest))
        git("push", "--quiet", str(dest.resolve()), "main", cwd=work)
        return git("rev-parse", "HEAD", cwd=work)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("dest", type=Path, help="path of the bare repository to create, e.g. .work/demo/shelf.git")
    p.add_argument("--force", action="store_true", help="replace DEST if it exists")
    args = p.parse_args(argv)
    try:
        commit = make_demo_repo(args.dest, args.force)
    except FileExistsError as exc:
        print(f"make_demo_repo: {exc}", file=sys.stderr)
        return 2
    print(f"{args.dest}: main at {commit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
