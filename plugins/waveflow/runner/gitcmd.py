"""Git through gitpython, with the runner's environment (no prompts, credentials by askpass) and redacted errors."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

import git

from .errors import StepFailed

GIT_TIMEOUT_SECONDS = 900.0
DEFAULT_IDENTITY = {
    "GIT_AUTHOR_NAME": "waveflow",
    "GIT_AUTHOR_EMAIL": "waveflow@localhost",
    "GIT_COMMITTER_NAME": "waveflow",
    "GIT_COMMITTER_EMAIL": "waveflow@localhost",
}
# Answers git's "Username for ..." / "Password for ..." prompts from the environment, so a token never sits in a
# URL, a config file or an argv.
_ASKPASS = """#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$WAVEFLOW_GIT_USERNAME" ;;
  *) printf '%s\\n' "$WAVEFLOW_GIT_PASSWORD" ;;
esac
"""


def git_env(environ: Mapping[str, str], user: str | None, password: str | None, askpass_dir: Path) -> dict[str, str]:
    """The variables every git call of a run gets on top of the inherited environment."""
    env = {"GIT_TERMINAL_PROMPT": "0"}
    env.update({k: v for k, v in DEFAULT_IDENTITY.items() if not environ.get(k)})
    user = user or environ.get("GIT_USERNAME")
    password = password or environ.get("GIT_PASSWORD") or _read(environ.get("GIT_PASSWORD_FILE"))
    if password:
        askpass = askpass_dir / "askpass.sh"
        askpass_dir.mkdir(parents=True, exist_ok=True)
        askpass.write_text(_ASKPASS)
        askpass.chmod(stat.S_IRWXU)
        env.update(
            GIT_ASKPASS=str(askpass), WAVEFLOW_GIT_USERNAME=user or "x-access-token", WAVEFLOW_GIT_PASSWORD=password
        )
    return env


def _read(path: str | None) -> str | None:
    if path and os.path.isfile(path):
        return Path(path).read_text().strip()
    return None


class Git:
    """`git` in one directory. Failures raise StepFailed(step, redacted last line of git's own message)."""

    def __init__(self, path: Path, env: Mapping[str, str], redact: Callable[[str], str]) -> None:
        self.path = path
        self.env = dict(env)
        self.redact = redact
        self._git = git.Git(str(path))

    def __call__(self, *args: str, step: str) -> str:
        status, out, err = self.status(*args)
        if status != 0:
            raise StepFailed(step, self.describe_failure(args, err))
        return out

    def status(self, *args: str) -> tuple[int, str, str]:
        """Run without raising: (exit status, stdout, stderr)."""
        try:
            status, out, err = self._git.execute(
                ["git", *args],
                env=self.env,
                with_extended_output=True,
                with_exceptions=False,
                kill_after_timeout=GIT_TIMEOUT_SECONDS,
            )
        except git.GitCommandError as exc:  # raised for a time-out even without exceptions
            return 124, "", str(exc.stderr or exc)
        except OSError as exc:  # git could not even start (an argument too long, no git): a failed step, not a crash
            return 126, "", f"cannot run git: {exc.strerror or exc}"
        return int(status or 0), str(out), str(err)

    def describe_failure(self, args: tuple[str, ...], stderr: str) -> str:
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith("hint:")]
        why = "; ".join(lines[-2:]) or "no message"
        return self.redact(f"git {args[0]} failed: {why}")
