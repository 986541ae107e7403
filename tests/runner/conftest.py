"""Fixtures of the runner tests: a bare remote with one commit on main, and inputs for an effort against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from bounded import FUZZ_TALLY
from gitrepo import Remote, git, py

from waveflow.runner.contract import RunnerInputs


def new_remote(root: Path) -> Remote:
    bare = root / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    clone = root / "someone"
    git("clone", "-q", str(bare), str(clone))
    git("checkout", "-q", "-b", "main", cwd=clone)
    (clone / "README").write_text("base\n")
    git("add", "README", cwd=clone)
    git("commit", "-qm", "base", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    return Remote(bare, clone)


@pytest.fixture
def remote(tmp_path: Path) -> Remote:
    return new_remote(tmp_path)


@pytest.fixture
def make_inputs(tmp_path: Path, remote: Remote):
    def make(**changes: object) -> RunnerInputs:
        values: dict[str, object] = {
            "plan": "p1",
            "effort": "1.1",
            "run_id": "run-1",
            "repo": str(remote.bare),
            "branch": "feature/one",
            "workspace": str(tmp_path / "ws"),
            "implement": py("open('one.txt', 'w').write('one\\n')"),
            "test": py("print('tests ok')"),
            "result_path": str(tmp_path / "result.json"),
        }
        values.update(changes)
        return RunnerInputs(**values)  # type: ignore[arg-type]

    return make


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FUZZ_TALLY:
        terminalreporter.section("random commands through the runner")
        for what, count in sorted(FUZZ_TALLY.items()):
            terminalreporter.write_line(f"{count:7d}  {what}")
