"""The runner never hands a string to a shell: commands are argv lists, and hostile names or URLs are refused before
git runs. Checked on the real runner (a subprocess, as the local backend starts it) against a bare repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chaos.chaos_plans import git

from waveflow.runner.contract import RunnerInputs

EXIT_INVALID = 2
HOSTILE_ARGS = ["; touch pwned-1", "$(touch pwned-2)", "`touch pwned-3`", "&& touch pwned-4", "| touch pwned-5", "\n"]
RECORD_ARGV = "import json, sys; open('argv.json', 'w').write(json.dumps(sys.argv[1:]))"


def run_runner(tmp_path: Path, **fields: object) -> subprocess.CompletedProcess[str]:
    values: dict[str, object] = {
        "plan": "p",
        "effort": "1.1",
        "repo": str(tmp_path / "remote.git"),
        "branch": "feature/a",
        "workspace": str(tmp_path / "ws"),
        "test": ["python3", "-c", "print('ok')"],
        "result_path": str(tmp_path / "result.json"),
    }
    values.update(fields)
    env = {**os.environ, **RunnerInputs(**values).to_env()}  # type: ignore[arg-type]
    return subprocess.run(
        [sys.executable, "-m", "waveflow.runner"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )


def pwned(tmp_path: Path) -> list[Path]:
    return sorted(p for p in tmp_path.rglob("pwned*"))


def test_command_arguments_reach_the_program_verbatim(tmp_path, bare_remote):
    done = run_runner(tmp_path, implement=["python3", "-c", RECORD_ARGV, *HOSTILE_ARGS])
    assert done.returncode == 0, done.stderr
    recorded = git("--git-dir", str(bare_remote), "show", "feature/a:argv.json")
    assert json.loads(recorded) == HOSTILE_ARGS
    assert pwned(tmp_path) == []


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("branch", "main\ntouch pwned", "WAVEFLOW_BRANCH: branch"),
        ("branch", "--upload-pack=touch pwned", "WAVEFLOW_BRANCH: branch"),
        ("branch", "a/../../pwned", "WAVEFLOW_BRANCH: branch"),
        ("base_ref", "$(touch pwned)", "WAVEFLOW_BASE_REF: base ref"),
        ("dependency_branches", ["x;touch pwned"], "WAVEFLOW_DEPENDENCY_BRANCHES: branch"),
        ("repo", "ext::sh -c touch% pwned", "remote helper"),
        ("repo", "--upload-pack=touch pwned", "looks like an option"),
        ("worktree", "../pwned", "must be a relative path inside the workspace"),
        ("worktree", "/etc/pwned", "must be a relative path inside the workspace"),
    ],
)
def test_hostile_inputs_are_refused_before_git_runs(tmp_path, bare_remote, field, value, said):
    before = git("--git-dir", str(bare_remote), "for-each-ref")
    done = run_runner(tmp_path, **{field: value})
    assert done.returncode == EXIT_INVALID, done.stderr
    assert said in done.stderr
    assert git("--git-dir", str(bare_remote), "for-each-ref") == before
    assert pwned(tmp_path) == [] and not Path("/etc/pwned").exists()
