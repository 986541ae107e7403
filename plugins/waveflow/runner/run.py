"""One effort's run in progress: its inputs, environment, paths and the result being filled in."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from .contract import AIRFLOW_PREFIXES, RunnerInputs
from .errors import StepFailed
from .gitcmd import Git
from .redact import AGENT_KEY_VARS, SECRET_FILE_VARS, SECRET_VARS, Redactor
from .result import EffortResult
from .workspace import STATE_DIR

# Never handed to the agent or the test command: pushing is the runner's job, not theirs.
_WITHHELD = (*SECRET_VARS, *SECRET_FILE_VARS, "GIT_USERNAME", "GIT_ASKPASS", "WAVEFLOW_GIT_PASSWORD")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class Run:
    inputs: RunnerInputs
    environ: Mapping[str, str]
    echo: TextIO | None
    redact: Redactor
    workspace: Path
    worktree: Path
    url: str
    result: EffortResult
    git_environment: dict[str, str] = field(default_factory=dict)

    def log(self, message: str) -> None:
        print(self.redact(f"waveflow-runner: {message}"), file=sys.stderr, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a step; a step run once per iteration adds up."""
        started = time.monotonic()
        try:
            yield
        finally:
            spent = time.monotonic() - started
            self.result.timing.seconds[name] = round(self.result.timing.seconds.get(name, 0.0) + spent, 3)

    def git(self, path: Path) -> Git:
        return Git(path, self.git_environment, self.redact)

    def state_dir(self, kind: str) -> Path:
        return self.workspace / STATE_DIR / kind / self.worktree.relative_to(self.workspace.resolve()).as_posix()

    def command_env(self, reports: Path, agent: bool = False) -> dict[str, str]:
        """The environment of the test command; with `agent`, of the agent's, which also gets its API keys."""
        withheld = _WITHHELD if agent else (*_WITHHELD, *AGENT_KEY_VARS)
        env = {k: v for k, v in self.environ.items() if k not in withheld and not k.startswith(AIRFLOW_PREFIXES)}
        env.update(self.inputs.to_env())
        for var in ("WAVEFLOW_AGENT_PROFILE", "WAVEFLOW_PLAN_CONTEXT"):
            env.pop(var, None)  # the runner's to read; the agent gets the brief they make
        env["WAVEFLOW_REPO"] = self.redact(self.inputs.repo)
        env["WAVEFLOW_WORKTREE"] = str(self.worktree)
        env["WAVEFLOW_REPORTS"] = str(reports)
        # `python3` in a command means the interpreter running the runner, with its packages (pytest, coverage...).
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)])
        return env

    def fail(self, exc: StepFailed) -> None:
        """Keep the first failure as the step (and whether a retry may help it), and say every reason."""
        reason = self.redact(exc.reason)
        r = self.result
        r.status = "failed"
        r.failure_reason = f"{r.failure_reason}; {reason}" if r.failure_reason else reason
        if r.failed_step is None:
            r.failed_step, r.retryable = exc.step, exc.transient
        self.log(f"{r.effort}: {exc.step} failed: {reason}")
