"""The real KubernetesPodOperator code path, deferrable, through `dag.test()` against a local Kubernetes API emulator.

The emulator is kmock's `KubernetesEmulator` with what kmock 0.8 cannot serve added in `kpo_support/emulator.py`:
pod status (a kubelet stand-in), `labelSelector` on lists, the `log` subresource, and the `exec` subresource over a
websocket (`v4.channel.k8s.io`), which the provider uses to read `/airflow/xcom/return.json` from the xcom sidecar
and then to stop it. So every step of the operator runs for real: the pod search for reattaching, the create, the
deferral and the trigger's polling (`dag.test()` runs triggers in line), the log read, the xcom read by exec, the
sidecar kill, the cleanup that deletes succeeded pods and keeps failed ones.

What is not emulated, and so not tested here: no container runs (the runner's result and log are scripted per pod
from the env the pod was created with); admission (Pod Security, quotas, the service account's existence) and RBAC
(the token is not checked); events (always none); field selectors; the Kubernetes patch semantics beyond kmock's
recursive dict merge. The restricted profile is checked on the posted manifests by `kpo_support/restricted.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from kmock import action
from kpo_support import restricted
from kpo_support.emulator import PodEmulator, kubeconfig, serve
from kpo_support.render import env_of, factory_dag, render_pod
from kubernetes_validate.utils import latest_version

from waveflow.airflow.plan_spec import effort_task_id
from waveflow.plan.load import read_plan
from waveflow.plan.model import Plan
from waveflow.runner.result import EffortResult, Timing

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]

# The connection the factory's pod tasks use: the provider's default.
CONN_ID = "kubernetes_default"
PARAMS = {"base_ref": "main", "image": None, "efforts": [], "dry_run": False}


def runner_result(pod: dict[str, Any], failing: set[str]) -> tuple[dict[str, Any], str]:
    """What `waveflow run-effort` would write, from the inputs the pod was given."""
    env = env_of(pod)
    failed = env["WAVEFLOW_EFFORT"] in failing
    result = EffortResult(
        plan=env["WAVEFLOW_PLAN"],
        effort=env["WAVEFLOW_EFFORT"],
        run_id=env["WAVEFLOW_RUN_ID"],
        status="failed" if failed else "succeeded",
        failure_reason="tests failed: 3 of 41" if failed else None,
        failed_step="test" if failed else None,
        branch=env["WAVEFLOW_BRANCH"],
        base_ref=env["WAVEFLOW_BASE_REF"],
        namespace=env["WAVEFLOW_NAMESPACE"],
        pushed=True,
        timing=Timing(started_at="2026-11-24T02:00:00Z"),
    )
    return result.model_dump(mode="json"), f"effort {result.effort} on {result.branch}\n{result.status}\n"


@pytest.fixture(scope="module")
def airflow_db() -> None:
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=os.environ)


@pytest.fixture(scope="module")
def plan(repo_root: Path) -> Plan:
    return read_plan(repo_root / "include" / "plans" / "phase10.yaml")


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[PodEmulator, set[str], str]]:
    """The emulator, reachable through an Airflow connection; add effort ids to the set to make them fail."""
    failing: set[str] = set()
    with serve(lambda pod: runner_result(pod, failing)) as (emulator, url):
        config = tmp_path / "kubeconfig.json"
        config.write_text(kubeconfig(url))
        conn = {"conn_type": "kubernetes", "extra": {"kube_config_path": str(config)}}
        monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(conn))
        yield emulator, failing, url


@pytest.fixture
def resumed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(task id, trigger event status) of every resumption from deferral."""
    from waveflow.airflow.kpo import EffortPodOperator

    calls: list[tuple[str, str]] = []
    original = EffortPodOperator.trigger_reentry

    def spy(self: EffortPodOperator, context: Any, event: dict[str, Any]) -> Any:
        calls.append((self.task_id, event["status"]))
        return original(self, context, event)

    monkeypatch.setattr(EffortPodOperator, "trigger_reentry", spy)
    return calls


def build_dag(plan: Plan) -> Any:
    """The factory's DAG of phase 10 (without retries) cut down to its effort tasks, kept with their order: the
    preflight checks, landing sensors, gates and the waves' integrations (pods of the same kind, rendered and
    validated in test_kpo_render) are tested elsewhere and would need a git remote here."""
    defaults = plan.defaults.model_copy(update={"retries": 0})
    dag = factory_dag(plan.model_copy(update={"name": "kpo_emulator", "defaults": defaults, "integration": None}))
    return dag.partial_subset([t.task_id for t in dag.tasks if hasattr(t, "effort_id")], include_upstream=False)


def run(dag: Any, conf: dict[str, Any], when: datetime | None = None) -> tuple[Any, dict[str, Any]]:
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

    # dag.test() creates runs only for DAGs in the database; write this one there as the DAG processor would.
    DagBundlesManager().sync_bundles_to_db()
    bag = DagBag(dag_folder=os.devnull)
    bag.bag_dag(dag)
    sync_bag_to_db(bag, "dags-folder", None)
    kwargs = {"logical_date": when, "run_after": when} if when else {}
    dag_run = dag.test(run_conf=conf, **kwargs)
    return dag_run, {ti.task_id: ti for ti in dag_run.get_task_instances()}


def return_value(dag_run: Any, task: str) -> Any:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        query = XComModel.get_many(run_id=dag_run.run_id, key="return_value", dag_ids=dag_run.dag_id, task_ids=task)
        row = session.scalars(query).one()
        return XComModel.deserialize_value(row)


def created(emulator: PodEmulator) -> dict[str, dict[str, Any]]:
    """Namespace -> the pod manifest posted there."""
    posts = [r for r in emulator.requests if r.action == action.CREATE]
    assert len(posts) == len({r.namespace for r in posts}), "one pod per namespace expected"
    return {r.namespace: r.data for r in posts}


def pod_state(emulator: PodEmulator, namespace: str, name: str) -> Any:
    return emulator.objects["v1/pods", namespace, name]


def test_selected_efforts_run_as_pods_and_return_the_runners_result(airflow_db, plan, cluster, resumed):
    from airflow.providers.cncf.kubernetes.pod_generator import make_safe_label_value

    emulator, _, _ = cluster
    conf = {"base_ref": "release/2026-11", "efforts": ["10.1.1", "10.2.1", "10.2.4"]}
    dag_run, tis = run(build_dag(plan), conf)

    assert dag_run.state == "success"
    assert {t: ti.state for t, ti in tis.items()} == {
        "wave_1.e10_1_1": "success",
        "wave_2.e10_2_1": "success",
        "wave_2.e10_2_2": "skipped",
        "wave_2.e10_2_3": "skipped",
        "wave_2.e10_2_4": "success",
    }
    assert sorted(resumed) == [
        ("wave_1.e10_1_1", "success"),
        ("wave_2.e10_2_1", "success"),
        ("wave_2.e10_2_4", "success"),
    ]
    pods = created(emulator)
    # Skipped efforts never reached the API: not even the search for a pod to reattach to.
    assert {r.namespace for r in emulator.requests if r.namespace} == set(pods)
    assert set(pods) == {"e2e-framework", "integration-tests", "waveflow-kpo-emulator"}

    for effort_id, namespace in (("10.1.1", "e2e-framework"), ("10.2.1", "integration-tests")):
        effort = plan.effort(effort_id)
        pod = pods[namespace]
        assert kubernetes_validate.validate(pod, desired_version=latest_version(), strict=True)
        assert restricted.violations(pod) == []
        labels = pod["metadata"]["labels"]
        assert labels["waveflow/effort"] == effort_id and labels["dag_id"] == "kpo_emulator"
        assert labels["run_id"] == make_safe_label_value(dag_run.run_id)
        env = env_of(pod)
        assert env["WAVEFLOW_BASE_REF"] == "release/2026-11"
        assert env["WAVEFLOW_RUN_ID"] == dag_run.run_id
        assert env["PORT_RANGE_START"] == str(effort.ports.start)

        result = EffortResult.model_validate(return_value(dag_run, effort_task_id(plan.effort(effort_id))))
        name = pod["metadata"]["name"]
        assert result.model_dump(mode="json") == emulator.results[namespace, name]
        assert (result.effort, result.branch, result.base_ref) == (effort_id, effort.branch, "release/2026-11")
        assert result.namespace == namespace
        # Read by exec into the sidecar, which was then stopped; a succeeded pod is deleted.
        execs = [r for r in emulator.requests if r.name == name and r.subresource == "exec"]
        assert len(execs) == 2
        assert pod_state(emulator, namespace, name).deleted


def test_a_failed_effort_fails_its_task_keeps_its_pod_and_still_reports(airflow_db, plan, cluster, resumed):
    emulator, failing, _ = cluster
    failing.add("10.2.3")
    dag_run, tis = run(build_dag(plan), {"efforts": ["10.2.3"]})

    assert tis["wave_2.e10_2_3"].state == "failed"
    assert dag_run.state == "failed"
    assert resumed == [("wave_2.e10_2_3", "failed")]
    pod = created(emulator)["chaos-tests"]
    kept = pod_state(emulator, "chaos-tests", pod["metadata"]["name"])
    assert not kept.deleted
    assert kept["status"]["phase"] == "Failed"
    # Marked so that a retry starts a new pod instead of reattaching to this one.
    assert kept["metadata"]["labels"]["already_checked"] == "True"
    result = EffortResult.model_validate(return_value(dag_run, "wave_2.e10_2_3"))
    assert (result.status, result.failure_reason) == ("failed", "tests failed: 3 of 41")


def test_a_restarted_task_reattaches_to_the_pod_it_started(airflow_db, plan, cluster, resumed):
    """A worker died after creating the pod: the next attempt finds it by its labels instead of creating another."""
    from kubernetes import client, config

    emulator, _, url = cluster
    dag = build_dag(plan)
    when = datetime(2026, 11, 24, 2, tzinfo=UTC)
    orphan = render_pod(dag.get_task("wave_2.e10_2_2"), PARAMS, run_id=f"manual__{when.isoformat()}")
    api = client.CoreV1Api(config.new_client_from_config_dict(json.loads(kubeconfig(url))))
    api.create_namespaced_pod("perf-benchmarks", orphan)

    dag_run, tis = run(dag, {"efforts": ["10.2.2"]}, when)

    assert tis["wave_2.e10_2_2"].state == "success"
    # The pod had already finished: the provider re-enters without deferring, and the result must survive that.
    assert resumed == [("wave_2.e10_2_2", "success")]
    assert [r.namespace for r in emulator.requests if r.action == action.CREATE] == ["perf-benchmarks"]
    name = orphan["metadata"]["name"]
    assert (
        EffortResult.model_validate(return_value(dag_run, "wave_2.e10_2_2")).model_dump(mode="json")
        == (emulator.results["perf-benchmarks", name])
    )
    assert pod_state(emulator, "perf-benchmarks", name).deleted
