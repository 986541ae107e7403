"""Real git for runner tests: a bare remote in a temp dir, a clone to change it, and the runner as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from waveflow.runner.contract import RunnerInputs
from waveflow.runner.result import EffortResult

IDENTITY = {
    "GIT_AUTHOR_NAME": "someone",
    "GIT_AUTHOR_EMAIL": "someone@example.invalid",
    "GIT_COMMITTER_NAME": "someone",
    "GIT_COMMITTER_EMAIL": "someone@example.invalid",
}


def git(*args: str, cwd: Path | str | None = None) -> str:
    env = {**os.environ, **IDENTITY}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def py(code: str) -> list[str]:
    """An argv running `code` with the Python the runner hands commands (its own)."""
    return ["python3", "-c", code]


@dataclass
class Remote:
    bare: Path
    clone: Path

    def commit(self, branch: str, files: dict[str, str], message: str = "change", start: str = "main") -> str:
        """Commit `files` on `branch` (created from `start` when new) and push it; returns the commit."""
        git("fetch", "-q", "origin", cwd=self.clone)
        exists = git("ls-remote", str(self.bare), f"refs/heads/{branch}")
        git("checkout", "-q", "-B", branch, f"origin/{branch}" if exists else f"origin/{start}", cwd=self.clone)
        for name, text in files.items():
            path = self.clone / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        git("add", "-A", cwd=self.clone)
        git("commit", "-qm", message, cwd=self.clone)
        git("push", "-q", "origin", f"HEAD:refs/heads/{branch}", cwd=self.clone)
        return git("rev-parse", "HEAD", cwd=self.clone)

    def head(self, branch: str) -> str | None:
        out = git("ls-remote", str(self.bare), f"refs/heads/{branch}")
        return out.split()[0] if out else None

    def log(self, branch: str) -> list[str]:
        return git("--git-dir", str(self.bare), "log", "--format=%H", branch).split()

    def show(self, branch: str, path: str) -> str:
        return git("--git-dir", str(self.bare), "show", f"{branch}:{path}")


@dataclass
class Outcome:
    code: int
    result: EffortResult | None
    stderr: str


def run_runner(inputs: RunnerInputs, env: dict[str, str] | None = None, args: list[str] | None = None) -> Outcome:
    """`python -m waveflow.runner` with the inputs in its environment, as the local backend starts it."""
    full_env = {**os.environ, **inputs.to_env(), **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "waveflow.runner", *(args or [])],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    path = Path(inputs.result_path)
    result = EffortResult.model_validate(json.loads(path.read_text())) if path.is_file() else None
    if path.is_file():
        path.unlink()
    return Outcome(done.returncode, result, done.stderr)


def run_plan_effort(plan: Path, work: Path, env: dict[str, str], effort: str = "1.1") -> Outcome:
    """`waveflow run-effort --plan-file` as a person runs it, in `env` on top of this environment without the task
    variables Airflow would have set; workspace and result under `work`."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WAVEFLOW_")}
    full_env.update(env)
    result_file = work / "result.json"
    argv = [sys.executable, "-m", "waveflow.cli", "run-effort", "--plan-file", str(plan), "--effort", effort,
            "--workspace", str(work / "ws"), "--result-path", str(result_file)]  # fmt: skip
    done = subprocess.run(argv, env=full_env, capture_output=True, text=True, timeout=900)
    result = EffortResult.model_validate_json(result_file.read_text()) if result_file.is_file() else None
    return Outcome(done.returncode, result, done.stderr)
