"""Git credentials for the git calls Airflow's own tasks make (preflight, the wave sensor), the way the runner does it:
from GIT_USERNAME/GIT_PASSWORD (or a URL's user:token) through an askpass script, never in a URL or an argv."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .runner.redact import split_credentials


@contextmanager
def authenticated(url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(the URL without credentials, the environment for git) for the duration of the block."""
    # Its module imports GitPython: half of a DAG file's import on the local backend, and only tasks need it.
    from .runner.gitcmd import git_env

    clean, user, password = split_credentials(url)
    with tempfile.TemporaryDirectory(prefix="waveflow-git-") as tmp:
        yield clean, {**os.environ, **git_env(os.environ, user, password, Path(tmp))}
