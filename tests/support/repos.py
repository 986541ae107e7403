"""A user's repository as a test makes it: a first commit of the given files on `main`, cloned bare as the remote."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def bare_repository(root: Path, name: str, files: dict[str, str]) -> Path:
    work, bare = root / name, root / f"{name}.git"
    for path, text in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text)
    git("init", "-q", "-b", "main", cwd=work)
    git("add", ".", cwd=work)
    git("-c", "user.name=Dev", "-c", "user.email=dev@example.org", "commit", "-qm", "base", cwd=work)
    git("clone", "-q", "--bare", str(work), str(bare))
    return bare
