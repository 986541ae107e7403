"""Effort pods of the `kubernetes` backend, rendered offline by the provider's own code and checked field by field.

Each pod goes through what a worker does before creating it: Jinja rendering with the run's params, then
`KubernetesPodOperator.build_pod_request_obj(context, dry_run=True)`, then the Kubernetes client's JSON form, which
is validated with kubernetes-validate (strict: unknown fields are errors) against the newest Kubernetes version the
package ships, and checked against the Pod Security restricted profile.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from kpo_support import restricted
from kpo_support.render import PHASE10_JOBS, REPO, container, effort_task, env_of, factory_dag, render_pod
from kubernetes_validate.utils import latest_version

from waveflow.plan.load import read_plan
from waveflow.plan.model import Plan, Resources
from waveflow.plan.names import dns_label_problem, label_problem

pytestmark = pytest.mark.filterwarnings("ignore")

PARAMS = {"base_ref": "release/2026-11", "image": None, "efforts": [], "dry_run": False}
RESTRICTED_CONTEXT = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsGroup": 1000,
    "runAsNonRoot": True,
    "runAsUser": 1000,
    "seccompProfile": {"type": "RuntimeDefault"},
}


@pytest.fixture(scope="module")
def plan(repo_root: Path) -> Plan:
    return read_plan(repo_root / "include" / "plans" / "phase10.yaml")


def _with(plan: Plan, effort_id: str, **changes) -> Plan:
    """The plan with one effort changed."""
    efforts = [e.model_copy(update=changes) if e.id == effort_id else e for e in plan.efforts]
    return plan.model_copy(update={"efforts": efforts})


def test_every_pod_of_the_factorys_dag_is_valid_and_restricted(plan: Plan):
    dag = factory_dag(plan)
    pods = {t.effort_id: render_pod(t, PARAMS) for t in dag.tasks if hasattr(t, "effort_id")}
    # The waves' integrations run as the efforts do: the runner in a pod of their own.
    assert sorted(pods) == PHASE10_JOBS
    wave_one = {"10.1.1", "integration-wave-1"}
    for effort_id, pod in pods.items():
        assert kubernetes_validate.validate(pod, desired_version=latest_version(), strict=True)
        assert restricted.violations(pod) == []
        assert pod["metadata"]["labels"]["waveflow/effort"] == effort_id
        assert env_of(pod)["WAVEFLOW_EFFORT"] == effort_id
        start = PARAMS["base_ref"] if effort_id in wave_one else "waveflow/phase10/integration-wave-1"
        assert env_of(pod)["WAVEFLOW_BASE_REF"] == start
    namespaces = {e: pod["metadata"]["namespace"] for e, pod in pods.items()}
    assert namespaces["10.1.1"] == "e2e-framework" and namespaces["10.2.3"] == "chaos-tests"


@pytest.mark.parametrize("effort_id", ["10.1.1", "10.2.1", "10.2.2", "10.2.3", "10.2.4"])
def test_phase10_effort_pod(plan: Plan, effort_id: str):
    effort = plan.effort(effort_id)
    pod = render_pod(effort_task(plan, effort_id), PARAMS)

    assert kubernetes_validate.validate(pod, desired_version=latest_version(), strict=True)
    assert restricted.violations(pod) == []

    meta, spec = pod["metadata"], pod["spec"]
    assert meta["namespace"] == (effort.namespace or "waveflow-phase10")
    labels = meta["labels"]
    assert labels["waveflow/plan"] == "phase10"
    assert labels["waveflow/wave"] == str(effort.wave)
    assert labels["waveflow/effort"] == effort_id
    assert {k: labels[k] for k in effort.labels} == effort.labels
    assert labels["dag_id"] == "phase10" and labels["try_number"] == "1"
    assert meta["annotations"]["waveflow/branch"] == effort.branch

    base = container(pod)
    assert base["image"] == "waveflow-runner:latest"
    assert [*base["command"], *base["args"]] == ["waveflow", "run-effort"]
    env = env_of(pod)
    assert env["WAVEFLOW_PLAN"] == "phase10"
    assert env["WAVEFLOW_EFFORT"] == effort_id
    assert env["WAVEFLOW_REPO"] == REPO
    assert env["WAVEFLOW_BRANCH"] == effort.branch
    # Wave 2 starts from wave 1's integration; wave 1 from the run's base ref.
    assert env["WAVEFLOW_BASE_REF"] == (
        "release/2026-11" if effort.wave == 1 else "waveflow/phase10/integration-wave-1"
    )
    assert env["WAVEFLOW_RUN_ID"] == "manual__2026-11-24T02:00:00+00:00"
    assert env["WAVEFLOW_MODE"] == "pod"
    assert env["WAVEFLOW_RESULT"] == "/airflow/xcom/return.json"
    assert env["WAVEFLOW_NAMESPACE"] == meta["namespace"]
    assert env["WAVEFLOW_WORKSPACE"] == "/workspace"
    deps = json.loads(env["WAVEFLOW_DEPENDENCY_BRANCHES"])
    assert deps == ([] if effort.wave == 1 else ["feature/tmc-completion/p10w1-e2e-framework"])
    if effort.ports:
        assert (env["PORT_RANGE_START"], env["PORT_RANGE_END"]) == (str(effort.ports.start), str(effort.ports.end))
    else:
        assert "PORT_RANGE_START" not in env and "PORT_RANGE_END" not in env

    # Git credentials: only a reference to the plan's Secret, never a value.
    assert base["envFrom"] == [{"secretRef": {"name": "waveflow-git"}}]
    assert all("valueFrom" not in e for e in base["env"])
    assert base["resources"] == {
        "requests": {"cpu": "500m", "memory": "512Mi"},
        "limits": {"cpu": "2", "memory": "2Gi"},
    }

    assert spec["securityContext"] == {
        "fsGroup": 1000,
        "runAsGroup": 1000,
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert base["securityContext"] == RESTRICTED_CONTEXT
    assert container(pod, "airflow-xcom-sidecar")["securityContext"] == RESTRICTED_CONTEXT
    assert spec["serviceAccountName"] == "waveflow-runner"
    assert spec["automountServiceAccountToken"] is False
    assert spec["restartPolicy"] == "Never"
    assert spec["activeDeadlineSeconds"] == (6 if effort.wave == 1 else 8) * 3600
    assert {v["name"] for v in spec["volumes"]} == {"xcom", "workspace"}


def test_image_param_wins_over_the_plan_image(plan: Plan):
    pod = render_pod(effort_task(plan, "10.2.1"), {**PARAMS, "image": "registry.example.test/runner:7"})
    assert container(pod)["image"] == "registry.example.test/runner:7"


def test_effort_image_and_resources_override_the_defaults_field_by_field(plan: Plan):
    custom = _with(plan, "10.2.2", image="bench-runner:3", resources=Resources(memory="4Gi", cpu_limit="4"))
    pod = render_pod(effort_task(custom, "10.2.2"), PARAMS)
    assert container(pod)["image"] == "bench-runner:3"
    assert container(pod)["resources"] == {
        "requests": {"cpu": "500m", "memory": "4Gi"},
        "limits": {"cpu": "4", "memory": "2Gi"},
    }


def test_the_providers_default_sidecar_would_fail_the_restricted_profile(plan: Plan):
    """Why the sidecar gets its own context: the pod-level one cannot drop capabilities or forbid escalation."""
    task = effort_task(plan, "10.2.1")
    task.xcom_sidecar_container_security_context = None
    pod = render_pod(task, PARAMS)
    assert "securityContext" not in container(pod, "airflow-xcom-sidecar")
    assert restricted.violations(pod) == [
        "container airflow-xcom-sidecar: allowPrivilegeEscalation must be false",
        "container airflow-xcom-sidecar: capabilities must drop ALL",
    ]


def test_pod_template_is_merged_under_the_effort_pod(plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    template = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"annotations": {"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"}},
        "spec": {
            "nodeSelector": {"pool": "agents"},
            "tolerations": [{"key": "agents", "operator": "Exists", "effect": "NoSchedule"}],
            "containers": [{"name": "base", "securityContext": {"privileged": True}}],
        },
    }
    path = tmp_path / "pod-template.yaml"
    path.write_text(yaml.safe_dump(template))
    monkeypatch.setenv("WAVEFLOW_POD_TEMPLATE", str(path))
    task = effort_task(plan, "10.2.3")
    assert task.pod_template_file == str(path)

    pod = render_pod(task, PARAMS)
    assert pod["spec"]["nodeSelector"] == {"pool": "agents"}
    assert pod["spec"]["tolerations"] == [{"key": "agents", "operator": "Exists", "effect": "NoSchedule"}]
    assert pod["metadata"]["annotations"]["cluster-autoscaler.kubernetes.io/safe-to-evict"] == "false"
    # The template cannot loosen the effort container: the operator's security context replaces the template's.
    assert container(pod)["securityContext"] == RESTRICTED_CONTEXT
    assert restricted.violations(pod) == []
    assert kubernetes_validate.validate(pod, desired_version=latest_version(), strict=True)


def test_a_missing_pod_template_fails_when_the_dag_is_parsed(plan: Plan, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("WAVEFLOW_POD_TEMPLATE", str(tmp_path / "absent.yaml"))
    with pytest.raises(FileNotFoundError, match="WAVEFLOW_POD_TEMPLATE="):
        effort_task(plan, "10.1.1")


def test_operator_runs_deferrable_durable_and_keeps_failed_pods(plan: Plan):
    task = effort_task(plan, "10.2.1")
    assert task.deferrable is True
    assert task.durable is True and task.reattach_on_restart is True
    assert task.on_finish_action.value == "delete_succeeded_pod"
    assert task.do_xcom_push is True
    assert task.retries == 2
    assert task.execution_timeout == timedelta(hours=8)
    assert effort_task(plan, "10.1.1").execution_timeout == timedelta(hours=6)


def test_retry_delays_grow_exponentially(plan: Plan):
    """Airflow 3.3 reads `retry_exponential_backoff` as a multiplier: with `True` (1.0) every delay would be 5 min."""
    import uuid
    from datetime import UTC, datetime

    from airflow.models.taskinstance import TaskInstance
    from airflow.serialization.serialized_objects import create_scheduler_operator

    task = effort_task(plan, "10.2.1")
    assert task.retry_delay == timedelta(minutes=5)
    ti = TaskInstance(task=create_scheduler_operator(task), run_id="r", dag_version_id=uuid.uuid4())
    ti.end_date = datetime(2026, 11, 24, 2, tzinfo=UTC)
    for try_number, floor in ((1, 300), (2, 600), (3, 1200)):
        ti.try_number = try_number
        delay = (ti.next_retry_datetime() - ti.end_date).total_seconds()
        # Airflow adds a per-task jitter below the floor itself.
        assert floor <= delay < 2 * floor


def test_effort_timeout_and_retries_override_the_wave(plan: Plan):
    task = effort_task(_with(plan, "10.2.4", timeout_minutes=45, retries=0), "10.2.4")
    assert task.execution_timeout == timedelta(minutes=45)
    assert task.active_deadline_seconds == 45 * 60
    assert task.retries == 0


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({**PARAMS, "efforts": ["10.1.1"]}, "not in this run's `efforts` param"),
        ({**PARAMS, "dry_run": True}, "dry_run"),
    ],
)
def test_unselected_effort_skips_before_touching_kubernetes(plan: Plan, params, reason):
    from airflow.sdk.exceptions import AirflowSkipException

    # A kubeconfig that does not exist: reaching the provider would fail with a different error.
    task = effort_task(plan, "10.2.1")
    task.config_file, task.kubernetes_conn_id = "/nonexistent/kubeconfig", None
    with pytest.raises(AirflowSkipException, match=reason):
        task.execute({"params": params})


@given(st.text(max_size=100))
def test_label_values_are_always_valid(text: str):
    from waveflow.airflow.pod_spec import label_value

    assert label_problem(label_value(text)) is None


@given(st.text(min_size=1, max_size=300))
def test_fallback_namespace_is_always_a_dns_label(name: str):
    from waveflow.airflow.pod_spec import namespace_of
    from waveflow.plan.model import Effort

    plan = Plan(name=name)
    assert dns_label_problem(namespace_of(plan, Effort(id="1", name="x", wave=1))) is None


def test_a_long_brief_travels_in_the_pod_and_the_runner_composes_it(plan: Plan):
    from waveflow.plan.validate import MAX_BRIEF_BYTES, validate
    from waveflow.runner.brief import compose
    from waveflow.runner.contract import RunnerInputs

    paragraph = "- Étape : vérifier le harnais, les délais et les journaux « e2e » de chaque espace de noms.\n"
    brief = paragraph * ((MAX_BRIEF_BYTES - 2048) // len(paragraph.encode()))
    long = _with(plan, "10.1.1", brief=brief, acceptance=["all smoke tests pass"])
    assert not [p for p in validate(long) if p.severity == "error"]
    pod = render_pod(effort_task(long, "10.1.1"), PARAMS)
    assert kubernetes_validate.validate(pod, desired_version=latest_version(), strict=True)
    env = env_of(pod)
    assert all(len(v.encode()) < 128 * 1024 for v in env.values())  # Linux's limit for one variable
    task_brief = compose(RunnerInputs.from_env(env), [])
    assert brief.strip() in task_brief and "- all smoke tests pass" in task_brief
    too_long = _with(plan, "10.1.1", brief=brief + paragraph * 100)
    errors = [str(p) for p in validate(too_long) if p.severity == "error"]
    assert len(errors) == 1 and "effort 10.1.1: its brief and acceptance criteria are" in errors[0]
