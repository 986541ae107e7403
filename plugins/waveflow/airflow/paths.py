"""Where plans, workspaces and reports live: resolved from the code's location, never the working directory.

DAG bundles copy or move files, and Airflow starts tasks from arbitrary directories, so a relative path would point
somewhere else at every parse.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def _airflow_home() -> Path:
    return Path(os.environ.get("AIRFLOW_HOME") or Path.home() / "airflow")


def plans_dir() -> Path:
    return Path(os.environ.get("WAVEFLOW_PLANS_DIR") or PROJECT_ROOT / "include" / "plans")


def workspace_dir() -> Path:
    return Path(os.environ.get("WAVEFLOW_WORKSPACE") or _airflow_home() / "waveflow-workspace")


def reports_dir() -> Path:
    return Path(os.environ.get("WAVEFLOW_REPORTS_DIR") or _airflow_home() / "waveflow-reports")


def reports_root() -> Any:
    """Where reports go: object storage when WAVEFLOW_REPORTS_URL names it (`s3://...`), else the local directory."""
    url = os.environ.get("WAVEFLOW_REPORTS_URL")
    if url:
        from airflow.sdk import ObjectStoragePath

        return ObjectStoragePath(url)
    return reports_dir()
