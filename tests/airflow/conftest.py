"""DAG folders built the way users get them: one generated DAG file per plan."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def dag_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Returns make(plans: dict[file name, text]) -> the DAG folder for those plans."""

    def make(plans: dict[str, str], backend: str = "local") -> Path:
        from waveflow.airflow.dag_files import sync

        plans_dir = tmp_path / "plans"
        plans_dir.mkdir(exist_ok=True)
        for name, text in plans.items():
            (plans_dir / name).write_text(text, encoding="utf-8")
        monkeypatch.setenv("WAVEFLOW_PLANS_DIR", str(plans_dir))
        monkeypatch.setenv("WAVEFLOW_BACKEND", backend)
        dags = tmp_path / "dags"
        sync(plans_dir, dags)
        return dags

    return make


@pytest.fixture
def shipped_plans(repo_root: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((repo_root / "include" / "plans").iterdir())}


def copy_plan(repo_root: Path, name: str, dest: Path) -> Path:
    return Path(shutil.copy(repo_root / "include" / "plans" / name, dest))
