"""Faults of the pod backend, through the real KubernetesPodOperator (deferrable) and the real quality-gate tasks in
`dag.test()` against the Kubernetes API emulator: a pod deleted mid-run, a result file missing or corrupt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from kmock import action
from kpo_support import emulator as emulator_module
from kpo_support.render import factory_dag

from chaos.pod_faults_support import FaultyPodEmulator, sync_to_db
from waveflow.plan.load import read_text
from waveflow.plan.model import Plan
from waveflow.runner.result import EffortResult, Timing

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]

# The connection the factory's pod tasks use: the provider's default.
CONN_ID = "kubernetes_default"
PLAN = """
name: chaos-pods
defaults: {retries: 1}
waves: [{number: 1}]
efforts:
  - {id: "1.1", name: deleted, wave: 1, branch: f/a, namespace: ns-a}
  - {id: "1.2", name: steady, wave: 1, branch: f/b, namespace: ns-b}
gates:
  - {metric: PR Size, target: "<800 lines"}
"""


# effort -> (failed step, whether a retry may help): the result its pod's runner writes, failed.
FAILING: dict[str, tuple[str, bool]] = {}


def scripted(pod: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from kpo_support.render import env_of

    env = env_of(pod)
    failing = FAILING.get(env["WAVEFLOW_EFFORT"])
    result = EffortResult(
        plan=env["WAVEFLOW_PLAN"],
        effort=env["WAVEFLOW_EFFORT"],
        status="failed" if failing else "succeeded",
        failed_step=failing[0] if failing else None,
        failure_reason=f"scripted failure at {failing[0]}" if failing else None,
        retryable=failing[1] if failing else False,
        branch=env["WAVEFLOW_BRANCH"],
        base_ref="main",
        pushed=True,
        commits=["1f0c2d3e4b5a69788796a5b4c3d2e1f00f1e2d3c"],  # the work a real pod's runner would have pushed
        head="1f0c2d3e4b5a69788796a5b4c3d2e1f00f1e2d3c",
        timing=Timing(started_at="2026-11-24T02:00:00Z"),
    )
    return result.model_dump(mode="json"), "done\n"


@pytest.fixture(scope="module")
def airflow_db() -> None:
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=os.environ)


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FaultyPodEmulator, str]]:
    monkeypatch.setattr(emulator_module, "PodEmulator", FaultyPodEmulator)
    monkeypatch.setenv("WAVEFLOW_REPORTS_DIR", str(tmp_path / "reports"))
    with emulator_module.serve(scripted) as (emulator, url):
        config = tmp_path / "kubeconfig.json"
        config.write_text(emulator_module.kubeconfig(url))
        conn = {"conn_type": "kubernetes", "extra": {"kube_config_path": str(config)}}
        monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(conn))
        yield emulator, url


def plan_dag(plan: Plan) -> Any:
    """The factory's DAG of the plan, cut down to its efforts and quality gates (the preflight checks and landing
    sensors would need a git remote), retried after a second instead of minutes."""
    dag = factory_dag(plan)
    kept = [t.task_id for t in dag.tasks if hasattr(t, "effort_id") or t.task_id.startswith("quality_gates.")]
    dag = dag.partial_subset(kept, include_upstream=False)
    for task in dag.tasks:
        if hasattr(task, "effort_id"):
            task.retry_delay = timedelta(seconds=1)
    sync_to_db(dag)
    return dag


def creates(emulator: FaultyPodEmulator, namespace: str) -> list[str]:
    return [
        r.data["metadata"]["name"] for r in emulator.requests if r.action == action.CREATE and r.namespace == namespace
    ]


def delete_once_running(emulator: FaultyPodEmulator, url: str, namespace: str, deleted: list[str]) -> None:
    from kubernetes import client, config

    api = client.CoreV1Api(config.new_client_from_config_dict(json.loads(emulator_module.kubeconfig(url))))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        names = creates(emulator, namespace)
        # Wait for the operator to poll the running pod (the trigger's reads) before pulling it away.
        reads = [r for r in emulator.requests if r.namespace == namespace and r.action == action.FETCH]
        if names and len(reads) >= 2:
            api.delete_namespaced_pod(names[0], namespace)
            deleted.append(names[0])
            return
        time.sleep(0.2)


def report_text(dag_run: Any) -> str:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        query = XComModel.get_many(
            run_id=dag_run.run_id, key="return_value", dag_ids=dag_run.dag_id, task_ids="quality_gates.report"
        )
        paths = XComModel.deserialize_value(session.scalars(query).one())
    return Path(paths["markdown"]).read_text(encoding="utf-8")


def test_a_pod_deleted_mid_run_is_recreated_by_the_retry(airflow_db, cluster):
    emulator, url = cluster
    plan = read_text(PLAN, "chaos-pods.yaml")
    emulator.running.add("1.1")
    deleted: list[str] = []
    deleter = threading.Thread(target=delete_once_running, args=(emulator, url, "ns-a", deleted), daemon=True)
    deleter.start()
    dag_run = plan_dag(plan).test()
    deleter.join(timeout=5)
    tis = {ti.task_id: ti for ti in dag_run.get_task_instances()}

    assert deleted, "the pod was never seen running"
    assert tis["wave_1.e1_1"].state == "success" and tis["wave_1.e1_1"].try_number == 2
    assert len(creates(emulator, "ns-a")) == 2 and len(creates(emulator, "ns-b")) == 1
    assert dag_run.state == "success"


@pytest.mark.parametrize(("written", "why"), [(b"", "missing"), (b'{"status": "succ', "corrupt")])
def test_a_missing_or_corrupt_result_fails_clearly_and_the_report_says_so(airflow_db, cluster, written, why):
    emulator, _ = cluster
    plan = read_text(PLAN, "chaos-pods.yaml")
    emulator.unreadable["1.1"] = written
    dag_run = plan_dag(plan).test()
    tis = {ti.task_id: ti for ti in dag_run.get_task_instances()}

    assert tis["wave_1.e1_1"].state == "failed", why
    assert tis["wave_1.e1_2"].state == "success"
    assert tis["quality_gates.run_outcome"].state == "failed"
    assert dag_run.state == "failed"
    report = report_text(dag_run)
    assert "1.1" in report and "no result: the task ended failed" in report


@pytest.mark.parametrize(("step", "retryable", "tries"), [("test", False, 1), ("push", True, 2)])
def test_a_failing_test_is_not_retried_and_a_failed_push_is(airflow_db, cluster, monkeypatch, step, retryable, tries):
    """The plan allows one retry: a pod whose runner says its tests failed after the agent's last iteration fails its
    task at once (a retry would re-run a paid agent to fail the same way); a failed push is tried again."""
    emulator, _ = cluster
    monkeypatch.setitem(FAILING, "1.1", (step, retryable))
    dag_run = plan_dag(read_text(PLAN, "chaos-pods.yaml")).test()
    tis = {ti.task_id: ti for ti in dag_run.get_task_instances()}
    assert tis["wave_1.e1_1"].state == "failed" and tis["wave_1.e1_1"].try_number == tries
    assert len(creates(emulator, "ns-a")) == tries
    assert tis["wave_1.e1_2"].state == "success" and dag_run.state == "failed"
