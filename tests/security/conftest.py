"""Security tests: hostile plans and inputs, rendered pods, and (end to end) credentials and the REST API's auth."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from security_support import git

# The pod rendering helpers and the restricted-profile checker live with the Kubernetes backend's tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "airflow"))


@pytest.fixture
def bare_remote(tmp_path: Path) -> Path:
    """A bare repository with one commit on `main`."""
    bare, work = tmp_path / "remote.git", tmp_path / "seed"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    git("init", "-q", "-b", "main", str(work))
    (work / "README").write_text("base\n")
    git("add", "README", cwd=work)
    git("commit", "-qm", "base", cwd=work)
    git("push", "-q", str(bare), "main", cwd=work)
    return bare


@pytest.fixture
def plans_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    monkeypatch.setenv("WAVEFLOW_PLANS_DIR", str(plans))
    return plans
