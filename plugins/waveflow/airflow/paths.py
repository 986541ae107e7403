"""Where plans, workspaces and reports live: resolved from the code's location, never the working directory.

DAG bundles copy or move files, and Airflow starts tasks from arbitrary directories, so a relative path would point
somewhere else at every parse.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def _airflow_home() -> Path:
    return Path(os.environ.get("AIRFLOW_HOME") or Path.home() / "airflow")


def plans_dir() -> Path:
    return Path(os.environ.get("WAVEFLOW_PLANS_DIR") or PROJECT_ROOT / "include" / "plans")


def workspace_dir() -> Path:
    return Path(os.environ.get("WAVEFLOW_WORKSPACE") or _airflow_home() / "waveflow-workspace")


def reports_dir() -> Path:
    return Path(os.environ.get("WAVEFLOW_REPORTS_DIR") or _airflow_home() / "waveflow-reports")
