"""A whole Airflow of a test's own: Postgres, the four components on a free port, a plans directory with its generated
DAG files, a pool per plan; each plan's DAG parsed and unpaused before the tests start."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def local_stack(base: Path, plans: dict[str, str], extra_env: dict[str, str]) -> Iterator[tuple[Any, Any]]:
    """`plans`: file name -> text. Yields (Stack, logged-in AirflowAPI); component logs go to test-artifacts/."""
    from support.postgres import free_port, postgres_cluster

    from waveflow.airflow.dag_files import sync
    from waveflow.airflow.pool import pool_name
    from waveflow.plan.load import read_text
    from waveflow.stack.api import AirflowAPI
    from waveflow.stack.processes import Stack
    from waveflow.stack.settings import ADMIN, StackSettings

    plans_dir, dags = base / "plans", base / "dags"
    plans_dir.mkdir(parents=True, exist_ok=True)
    read = []
    for file_name, text in plans.items():
        (plans_dir / file_name).write_text(text, encoding="utf-8")
        read.append(read_text(text, file_name))
    names = [plan.name for plan in read]
    sync(plans_dir, dags)
    pools = {pool_name(plan): {"slots": 4, "description": "test", "include_deferred": False} for plan in read}
    (base / "pools.json").write_text(json.dumps(pools))
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with postgres_cluster() as database:
        env = {
            # The generated DAG files of these plans only: the checkout's own dags/ would sync into the repository.
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "WAVEFLOW_PLANS_DIR": str(plans_dir),
            "WAVEFLOW_BACKEND": "local",
            "WAVEFLOW_WORKSPACE": str(base / "workspace"),
            "WAVEFLOW_REPORTS_DIR": str(base / "reports"),
            **extra_env,
        }
        settings = StackSettings(home=base / "airflow", port=free_port(), database_url=database, extra_env=env)
        stack = Stack(settings)
        stack.migrate()
        stack.airflow("pools", "import", str(base / "pools.json"))
        stack.start()
        try:
            stack.wait_healthy()
            api = AirflowAPI(settings.base_url, ADMIN, settings.admin_password())
            for name in names:
                api.wait_for_dag(name)
                api.unpause(name)
            yield stack, api
        finally:
            stack.stop()
            for log in stack.logs.glob("*.log"):
                (artifacts / f"{base.name}-{log.name}").write_bytes(log.read_bytes()[-200_000:])
