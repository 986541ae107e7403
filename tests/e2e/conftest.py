"""Real Airflow components (api-server, scheduler, dag-processor, triggerer) on Postgres, the local effort backend and
the generated demo repository: started once for the e2e tests, torn down after."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.postgres import free_port, pg_bin, postgres_cluster

REPO = Path(__file__).resolve().parents[2]


@dataclass
class E2E:
    stack: object
    api: object
    plan: object
    remote: Path
    fail_file: Path
    workspace: Path
    reports: Path
    artifacts: Path


def _drop_unpause_run(api: object, dag_id: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        runs = api.call("GET", f"/dags/{dag_id}/dagRuns", params={"run_type": "scheduled"})["dag_runs"]  # type: ignore[attr-defined]
        if runs:
            # Failed, not deleted: the scheduler creates the latest interval's run again when it has none.
            for run in runs:
                path = f"/dags/{dag_id}/dagRuns/{run['dag_run_id']}"
                api.call("PATCH", path, json={"state": "failed"})  # type: ignore[attr-defined]
            return
        time.sleep(1)
    raise TimeoutError("unpausing the nightly DAG did not create its latest scheduled run")


@pytest.fixture(scope="session")
def e2e() -> Iterator[E2E]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    from waveflow.airflow.pool import pool_name
    from waveflow.plan.load import read_plan
    from waveflow.stack.api import AirflowAPI
    from waveflow.stack.processes import Stack
    from waveflow.stack.settings import ADMIN, StackSettings

    base = Path(tempfile.mkdtemp(prefix="waveflow-e2e-"))
    remote = base / "demo-remote.git"
    subprocess.run([sys.executable, str(REPO / "include" / "demo" / "make_demo_repo.py"), str(remote)], check=True)
    fail_file = base / "fail-efforts"
    plan = read_plan(REPO / "include" / "plans" / "phase10.yaml")
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with postgres_cluster() as database:
        settings = StackSettings(
            home=base / "airflow",
            port=free_port(),
            database_url=database,
            extra_env={
                "WAVEFLOW_BACKEND": "local",
                "WAVEFLOW_REPO_URL": str(remote),
                "WAVEFLOW_WORKSPACE": str(base / "workspace"),
                "WAVEFLOW_REPORTS_DIR": str(base / "reports"),
                "WAVEFLOW_DEMO_FAIL_FILE": str(fail_file),
                "WAVEFLOW_DEMO_SLEEP": os.environ.get("WAVEFLOW_E2E_EFFORT_SECONDS", "3"),
                # The plan's retries stay; only their delay shrinks from Airflow's five minutes.
                "AIRFLOW__CORE__DEFAULT_TASK_RETRY_DELAY": "2",
            },
        )
        stack = Stack(settings)
        stack.migrate()
        # No effort may start until the tests say so: unpausing a nightly DAG with catchup=False makes Airflow run
        # the latest nightly interval at once, and that run is not one of the tests'.
        stack.airflow("pools", "set", pool_name(plan), "0", "efforts at once")
        stack.start()
        try:
            stack.wait_healthy()
            api = AirflowAPI(settings.base_url, ADMIN, settings.admin_password())
            api.wait_for_dag(plan.name)
            api.unpause(plan.name)
            _drop_unpause_run(api, plan.name)
            stack.airflow("pools", "set", pool_name(plan), str(plan.parallel_agents), "efforts at once")
            yield E2E(stack, api, plan, remote, fail_file, base / "workspace", base / "reports", artifacts)
        finally:
            stack.stop()
            for log in stack.logs.glob("*.log"):
                (artifacts / f"e2e-{log.name}").write_bytes(log.read_bytes()[-200_000:])
