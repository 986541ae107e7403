"""The cluster check against the API emulator, with the RBAC that `waveflow k8s` renders for a plan."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from k8s_rbac_emulator import WORKER_TOKEN, service_account
from kubernetes import config

from waveflow.k8s.rbac import KPO_RULES
from waveflow.k8s.render import render
from waveflow.plan.load import read_plan
from waveflow.plan.model import Plan
from waveflow.preflight.k8s_checks import NEEDED, effort_namespaces

pytestmark = pytest.mark.filterwarnings("ignore")

NAMESPACES = ["e2e-framework", "integration-tests", "perf-benchmarks", "chaos-tests", "waveflow-phase10"]
NAMESPACE_READER: list[dict[str, Any]] = [
    {
        "kind": "ClusterRole",
        "metadata": {"name": "namespace-reader"},
        "rules": [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get"]}],
    },
    {
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "namespace-reader"},
        "roleRef": {"kind": "ClusterRole", "name": "namespace-reader"},
        "subjects": [{"kind": "ServiceAccount", "namespace": "airflow", "name": "airflow-worker"}],
    },
]


@pytest.fixture(scope="module")
def phase10(repo_root: Path) -> Plan:
    return read_plan(repo_root / "include/plans/phase10.yaml")


@pytest.fixture
def manifests(phase10: Plan) -> dict[str, list[dict[str, Any]]]:
    return render(phase10)


def check(kubeconfig: Path) -> Any:
    return effort_namespaces(config.new_client_from_config(str(kubeconfig)), NAMESPACES)


def test_the_rendered_manifests_let_airflow_run_effort_pods(cluster, manifests):
    state, emulator, kubeconfig = cluster
    for docs in manifests.values():
        state.apply(docs)
    result = check(kubeconfig)
    assert result.ok, result.message
    assert result.message == "5 namespaces exist and Airflow may run effort pods in each"
    reviews = [r for r in emulator.requests if r.resource and r.resource.plural == "selfsubjectaccessreviews"]
    assert {r.data["spec"]["resourceAttributes"]["namespace"] for r in reviews} == set(NAMESPACES)


def test_a_missing_namespace_is_named_when_namespaces_are_readable(cluster, manifests):
    state, _, kubeconfig = cluster
    state.apply(NAMESPACE_READER)
    for namespace, docs in manifests.items():
        if namespace != "chaos-tests":
            state.apply(docs)
    result = check(kubeconfig)
    assert not result.ok
    assert result.message == (
        "namespaces missing: chaos-tests; apply the plan's manifests: `waveflow k8s PLAN | kubectl apply -f -`"
    )


def test_without_namespace_reads_a_missing_namespace_shows_as_no_access(cluster, manifests):
    state, _, kubeconfig = cluster
    for namespace, docs in manifests.items():
        if namespace != "chaos-tests":
            state.apply(docs)
    result = check(kubeconfig)
    assert not result.ok
    assert result.message.startswith("chaos-tests: may not create pods, get pods, list pods")
    assert "(or it does not exist: this identity may not read namespaces)" in result.message


def test_another_account_may_not_launch_pods(cluster, manifests):
    state, _, kubeconfig = cluster
    state.tokens = {token: service_account("airflow", "someone-else") for token in state.tokens}
    for docs in manifests.values():
        state.apply(docs)
    result = check(kubeconfig)
    assert not result.ok
    assert all(f"{ns}: may not create pods" in result.message for ns in NAMESPACES)


def test_a_role_without_the_log_rule_is_reported_for_its_namespace(cluster, manifests):
    state, _, kubeconfig = cluster
    for namespace, docs in manifests.items():
        docs = copy.deepcopy(docs)
        if namespace == "integration-tests":
            role = next(d for d in docs if d["kind"] == "Role")
            role["rules"] = [r for r in role["rules"] if r["resources"] != ["pods/log"]]
        state.apply(docs)
    result = check(kubeconfig)
    assert not result.ok
    assert result.message.startswith("integration-tests: may not get pods/log;")


def test_exec_is_allowed_by_either_verb(cluster, manifests):
    state, _, kubeconfig = cluster
    for docs in manifests.values():
        docs = copy.deepcopy(docs)
        role = next(d for d in docs if d["kind"] == "Role")
        for rule in role["rules"]:
            if rule["resources"] == ["pods/exec"]:
                rule["verbs"] = ["get"]
        state.apply(docs)
    assert check(kubeconfig).ok


def test_an_unreachable_api_says_so(tmp_path):
    from kpo_support.emulator import kubeconfig

    path = tmp_path / "kubeconfig.json"
    path.write_text(kubeconfig("http://127.0.0.1:9").replace("unused", WORKER_TOKEN))
    client = config.new_client_from_config(str(path))
    client.configuration.retries = 0
    result = effort_namespaces(client, ["e2e-framework"])
    assert not result.ok and result.message.startswith("cannot reach the Kubernetes API")


def test_the_check_asks_for_every_call_the_role_grants():
    granted = {(verb, resource) for rule in KPO_RULES for resource in rule["resources"] for verb in rule["verbs"]}
    asked = {pair for choices in NEEDED for pair in choices}
    assert asked == granted
