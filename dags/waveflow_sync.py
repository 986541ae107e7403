"""Keeps one generated DAG file per wave plan in `dags/plans/` (Airflow finds the DAGs there).

A plan dropped into the plans directory gets its DAG file at the next parse of this file; see
`waveflow.airflow.dag_files` for why there is one file per plan. No DAG is defined here.
"""

import contextlib
from pathlib import Path

from waveflow.airflow.dag_files import sync
from waveflow.airflow.paths import plans_dir

# A read-only DAG bundle cannot be written: its generated files were synced before it was published.
with contextlib.suppress(OSError):
    sync(plans_dir(), Path(__file__).resolve().parent / "plans")
