"""`dag.test()` of a plan's DAG as the factory builds it, and what the run left in Airflow's database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from waveflow.plan.model import Plan


def migrate() -> None:
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=os.environ)


def run(plan: Plan, conf: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """(dag run, {task id: task instance}); WAVEFLOW_BACKEND and the other knobs are read from the environment."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

    from waveflow.airflow.factory import build_dag

    dag = build_dag(plan, Path(f"{plan.name}.yaml"))
    # dag.test() creates runs only for DAGs in the database; write this one there as the DAG processor would.
    DagBundlesManager().sync_bundles_to_db()
    bag = DagBag(dag_folder=os.devnull)
    bag.bag_dag(dag)
    sync_bag_to_db(bag, "dags-folder", None)
    dag_run = dag.test(run_conf=conf)
    return dag_run, {ti.task_id: ti for ti in dag_run.get_task_instances()}


def asset_events(uri: str, run_id: str | None = None) -> list[Any]:
    """Events of the asset `uri`; with `run_id`, only those that run emitted (the database is shared by test modules)."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        query = select(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id).where(AssetModel.uri == uri)
        if run_id is not None:
            query = query.where(AssetEvent.source_run_id == run_id)
        events = list(session.scalars(query))
        session.expunge_all()
        return events
