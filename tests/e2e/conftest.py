"""Real Airflow components (api-server, scheduler, dag-processor, triggerer) on Postgres, the local effort backend and
the generated demo repository: started once for the e2e tests, torn down after. `celery_e2e` is the same on the
CeleryExecutor, with Redis and two workers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.postgres import free_port, pg_bin, postgres_cluster

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


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


@contextmanager
def phase10_stack(settings: Any, prefix: str) -> Iterator[tuple[Any, Any, Any]]:
    """Starts the stack with phase 10's DAG unpaused and its unpause run out of the way; yields (stack, logged-in
    api, plan). Stops it after, its components' logs kept in test-artifacts/ as `<prefix>-<component>.log`."""
    from waveflow.airflow.pool import pool_name
    from waveflow.plan.load import read_plan
    from waveflow.stack.api import AirflowAPI
    from waveflow.stack.processes import Stack
    from waveflow.stack.settings import ADMIN

    plan = read_plan(REPO / "include" / "plans" / "phase10.yaml")
    ARTIFACTS.mkdir(exist_ok=True)
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
        yield stack, api, plan
    finally:
        stack.stop()
        for log in stack.logs.glob("*.log"):
            (ARTIFACTS / f"{prefix}-{log.name}").write_bytes(log.read_bytes()[-200_000:])


def demo_remote(base: Path) -> Path:
    remote = base / "demo-remote.git"
    subprocess.run([sys.executable, str(REPO / "include" / "demo" / "make_demo_repo.py"), str(remote)], check=True)
    return remote


@pytest.fixture(scope="session")
def e2e() -> Iterator[E2E]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    from waveflow.stack.settings import StackSettings

    base = Path(tempfile.mkdtemp(prefix="waveflow-e2e-"))
    remote = demo_remote(base)
    fail_file = base / "fail-efforts"
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
        with phase10_stack(settings, "e2e") as (stack, api, plan):
            yield E2E(stack, api, plan, remote, fail_file, base / "workspace", base / "reports", ARTIFACTS)


@dataclass
class CeleryE2E:
    stack: Any
    api: Any
    plan: Any
    remote: Path
    reports: Path
    workers: tuple[Any, ...]  # waveflow.stack.celery_workers.CeleryWorker, in the order started


# A task whose worker stops heartbeating is failed (and retried) after this long; Airflow's default is 300 s. The
# supervisor heartbeats every second here (`min_heartbeat_interval`), so a busy machine does not reach it.
HEARTBEAT_TIMEOUT_S = 20


# Module scope: one module uses it, and its six Airflow processes would otherwise idle on CI's two cores under the
# rest of the session.
@pytest.fixture(scope="module")
def celery_e2e() -> Iterator[CeleryE2E]:
    """Phase 10's stack on the CeleryExecutor: Postgres, Redis, the four components and two Celery workers of
    concurrency 2, each worker with its own home and workspace; the demo remote and the reports storage shared."""
    if pg_bin() is None:
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    from support.redis import REDIS_SERVER, redis_server

    if REDIS_SERVER is None:
        pytest.skip("Redis (Debian package redis-server) is not installed")
    from waveflow.stack.celery_workers import celery_workers
    from waveflow.stack.settings import StackSettings

    base = Path(tempfile.mkdtemp(prefix="waveflow-celery-"))
    remote = demo_remote(base)
    workers = celery_workers(base / "machines", 2)
    with postgres_cluster() as database, redis_server() as broker:
        settings = StackSettings(
            home=base / "airflow",
            port=free_port(),
            database_url=database,
            executor="CeleryExecutor",
            broker_url=broker,
            celery_workers=workers,
            worker_concurrency=2,
            extra_env={
                "WAVEFLOW_BACKEND": "local",
                "WAVEFLOW_REPO_URL": str(remote),
                # The scheduler's and triggerer's machine; each worker has its own (CeleryWorker.env).
                "WAVEFLOW_WORKSPACE": str(base / "workspace"),
                # The one place every machine shares besides the remote: reports, status events, transcripts.
                "WAVEFLOW_REPORTS_DIR": str(base / "reports"),
                "WAVEFLOW_REPORTS_URL": (base / "reports").as_uri(),
                "WAVEFLOW_DEMO_SLEEP": os.environ.get("WAVEFLOW_E2E_EFFORT_SECONDS", "3"),
                "AIRFLOW__CORE__DEFAULT_TASK_RETRY_DELAY": "2",
                "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(HEARTBEAT_TIMEOUT_S),
                "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
            },
        )
        with phase10_stack(settings, "celery") as (stack, api, plan):
            yield CeleryE2E(stack, api, plan, remote, base / "reports", workers)
    shutil.rmtree(base, ignore_errors=True)
