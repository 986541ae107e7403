"""Git for the security tests, with an identity of its own so no global configuration is needed."""

from __future__ import annotations

import subprocess
from pathlib import Path

IDENTITY = ["-c", "user.name=someone", "-c", "user.email=someone@example.invalid"]


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout
