"""The local stack on the CeleryExecutor: what every component and each worker is configured with, and the settings
it refuses."""

from __future__ import annotations

import importlib
import socket
from pathlib import Path

import pytest

from waveflow.stack.celery_workers import celery_workers
from waveflow.stack.hostname import worker_hostname
from waveflow.stack.settings import StackSettings

DATABASE = "postgresql+psycopg2://postgres@127.0.0.1:5432/airflow"
BROKER = "redis://127.0.0.1:6379/0"


def test_the_local_executor_stays_the_default(tmp_path: Path):
    env = StackSettings(home=tmp_path).env()
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert not [name for name in env if name.startswith("AIRFLOW__CELERY__")]


def test_celery_components_share_the_broker_and_the_database_as_result_backend(tmp_path: Path):
    workers = celery_workers(tmp_path / "machines", 2)
    settings = StackSettings(
        home=tmp_path, database_url=DATABASE, executor="CeleryExecutor", broker_url=BROKER, celery_workers=workers
    )
    env = settings.env()
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == BROKER
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == f"db+{DATABASE}"
    assert env["AIRFLOW__CELERY__WORKER_CONCURRENCY"] == "2"
    assert [w.name for w in workers] == ["worker-a", "worker-b"]
    assert workers[0].argv(2) == ["celery", "worker", "--celery-hostname", "worker-a", "--concurrency", "2"]


def test_each_worker_is_a_machine_of_its_own(tmp_path: Path):
    envs = [w.env() for w in celery_workers(tmp_path, 2)]
    for name in ("HOME", "WAVEFLOW_WORKSPACE", "WAVEFLOW_HOSTNAME", "AIRFLOW__LOGGING__BASE_LOG_FOLDER"):
        assert envs[0][name] != envs[1][name], name
    assert envs[0]["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] != envs[1]["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"]
    assert all(Path(env["HOME"]).is_dir() and Path(env["WAVEFLOW_WORKSPACE"]).is_dir() for env in envs)
    # The callable Airflow imports from `[core] hostname_callable` in the task's supervisor.
    module, _, name = envs[0]["AIRFLOW__CORE__HOSTNAME_CALLABLE"].rpartition(".")
    assert getattr(importlib.import_module(module), name) is worker_hostname


def test_the_hostname_is_the_workers_name_else_the_machines(monkeypatch):
    monkeypatch.setenv("WAVEFLOW_HOSTNAME", "worker-b")
    assert worker_hostname() == "worker-b"
    monkeypatch.delenv("WAVEFLOW_HOSTNAME")
    assert worker_hostname() == socket.getfqdn()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"executor": "SequentialExecutor"}, "executor 'SequentialExecutor': one of LocalExecutor, CeleryExecutor"),
        ({"executor": "CeleryExecutor", "broker_url": BROKER}, "the CeleryExecutor needs a database_url"),
        ({"executor": "CeleryExecutor", "database_url": DATABASE}, "the CeleryExecutor needs a database_url"),
    ],
)
def test_settings_that_cannot_run_are_refused_saying_why(tmp_path: Path, changes: dict, message: str):
    with pytest.raises(ValueError, match=message):
        StackSettings(home=tmp_path, celery_workers=celery_workers(tmp_path, 1), **changes)
