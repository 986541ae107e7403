"""Git commands for building remotes in the preflight tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def commit(work: Path, name: str) -> str:
    """Commit a file called `name` in the clone `work`; returns the new head."""
    (work / name).write_text(f"{name}\n")
    git("add", name, cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", name, cwd=work)
    return git("rev-parse", "HEAD", cwd=work)
