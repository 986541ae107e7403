"""What `waveflow k8s` renders for a plan: one namespace per effort namespace, each fully locked down and sized."""

from __future__ import annotations

import pytest

from waveflow.k8s.quota import XCOM_SIDECAR_RESOURCES
from waveflow.k8s.rbac import KPO_RULES, ROLE_NAME, RUNNER_SERVICE_ACCOUNT
from waveflow.k8s.render import ClusterOptions, RenderError, render


def by_kind(docs: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for d in docs:
        out.setdefault(d["kind"], []).append(d)
    return out


def test_phase10_gets_one_namespace_per_effort_namespace_and_one_shared_for_efforts_without(phase10):
    manifests = render(phase10)

    assert list(manifests) == [
        "e2e-framework",
        "integration-tests",
        "perf-benchmarks",
        "chaos-tests",
        "waveflow-phase10",
    ]
    for namespace, docs in manifests.items():
        assert docs[0]["kind"] == "Namespace", "kubectl apply must create the namespace before what lives in it"
        assert {d["metadata"].get("namespace", namespace) for d in docs} == {namespace}


def test_namespace_carries_the_plans_labels_identity_and_restricted_pod_security(phase10):
    namespace = render(phase10)["integration-tests"][0]

    assert namespace["metadata"]["labels"] == {
        "test-type": "integration",
        "app.kubernetes.io/part-of": "waveflow",
        "waveflow/plan": "phase10",
        "waveflow/effort": "10.2.1",
        "waveflow/wave": "2",
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
    }


def test_every_namespace_has_the_same_locked_down_set(phase10):
    for namespace, docs in render(phase10).items():
        kinds = by_kind(docs)
        (account,) = kinds["ServiceAccount"]
        assert account["metadata"]["name"] == RUNNER_SERVICE_ACCOUNT
        assert account["automountServiceAccountToken"] is False
        (role,) = kinds["Role"]
        assert role["rules"] == KPO_RULES
        (binding,) = kinds["RoleBinding"]
        assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": ROLE_NAME}
        assert binding["subjects"] == [
            {"kind": "ServiceAccount", "name": "airflow-worker", "namespace": "airflow"},
            {"kind": "ServiceAccount", "name": "airflow-triggerer", "namespace": "airflow"},
        ]
        policies = {p["metadata"]["name"]: p["spec"] for p in kinds["NetworkPolicy"]}
        assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}, namespace


def test_no_rule_lets_airflow_read_secrets_or_touch_anything_but_pods_and_events():
    resources = {r for rule in KPO_RULES for r in rule["resources"]}
    assert resources == {"pods", "pods/log", "pods/exec", "events"}
    assert all(rule["apiGroups"] == [""] for rule in KPO_RULES)
    assert not any("*" in rule["verbs"] for rule in KPO_RULES)


def test_git_egress_is_public_addresses_on_443_unless_the_remote_is_named(phase10):
    default = {p["metadata"]["name"]: p for p in by_kind(render(phase10)["chaos-tests"])["NetworkPolicy"]}
    rule = default["allow-git-remote"]["spec"]["egress"][0]
    assert rule["ports"] == [{"protocol": "TCP", "port": 443}]
    v4 = rule["to"][0]["ipBlock"]
    assert v4["cidr"] == "0.0.0.0/0"
    assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"} <= set(v4["except"])

    options = ClusterOptions(git_ports=(22, 443), git_cidrs=("10.1.2.0/24",))
    named = {p["metadata"]["name"]: p for p in by_kind(render(phase10, options)["chaos-tests"])["NetworkPolicy"]}
    rule = named["allow-git-remote"]["spec"]["egress"][0]
    assert rule["to"] == [{"ipBlock": {"cidr": "10.1.2.0/24"}}]
    assert [p["port"] for p in rule["ports"]] == [22, 443]


def test_dns_egress_goes_to_cluster_dns_only(phase10):
    policies = {p["metadata"]["name"]: p for p in by_kind(render(phase10)["e2e-framework"])["NetworkPolicy"]}
    (rule,) = policies["allow-dns"]["spec"]["egress"]
    assert rule["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    assert sorted(p["protocol"] for p in rule["ports"]) == ["TCP", "UDP"]
    assert {p["port"] for p in rule["ports"]} == {53}


def test_effort_ports_open_inside_the_namespace_only_on_the_plans_ranges(phase10):
    manifests = render(phase10)
    policies = {p["metadata"]["name"]: p for p in by_kind(manifests["perf-benchmarks"])["NetworkPolicy"]}
    spec = policies["allow-effort-ports"]["spec"]
    assert spec["ingress"] == [
        {"from": [{"podSelector": {}}], "ports": [{"protocol": "TCP", "port": 30200, "endPort": 30299}]}
    ]
    assert spec["egress"][0]["to"] == [{"podSelector": {}}]
    # Documentation (10.2.4) has no port range: its namespace opens no ports at all.
    names = {p["metadata"]["name"] for p in by_kind(manifests["waveflow-phase10"])["NetworkPolicy"]}
    assert names == {"default-deny", "allow-dns", "allow-git-remote"}


def test_phase10_quota_is_one_pod_of_the_runner_plus_its_sidecar(phase10):
    (quota,) = by_kind(render(phase10)["e2e-framework"])["ResourceQuota"]
    # runner 500m/512Mi requests, 2/2Gi limits; sidecar 10m/16Mi, 100m/64Mi
    assert quota["spec"]["hard"] == {
        "pods": "1",
        "requests.cpu": "510m",
        "requests.memory": "528Mi",
        "limits.cpu": "2100m",
        "limits.memory": "2112Mi",
    }
    assert XCOM_SIDECAR_RESOURCES["limits"] == {"cpu": "100m", "memory": "64Mi"}
    (limits,) = by_kind(render(phase10)["e2e-framework"])["LimitRange"]
    assert limits["spec"]["limits"] == [
        {
            "type": "Container",
            "default": {"cpu": "2", "memory": "2Gi"},
            "defaultRequest": {"cpu": "500m", "memory": "512Mi"},
            "max": {"cpu": "2", "memory": "2Gi"},
        }
    ]


def test_shared_namespace_is_sized_for_the_efforts_running_there_at_once(plan_from, shared_plan_yaml):
    manifests = render(plan_from(shared_plan_yaml))

    shared = by_kind(manifests["team-ns"])
    assert shared["Namespace"][0]["metadata"]["labels"]["tier"] == "x"
    assert "waveflow/effort" not in shared["Namespace"][0]["metadata"]["labels"], "two efforts: no single effort label"
    # two efforts of wave 1 at once: 2 x (250m + 10m), limits default to requests: 2 x (250m + 100m)
    assert shared["ResourceQuota"][0]["spec"]["hard"] == {
        "pods": "2",
        "requests.cpu": "520m",
        "requests.memory": "544Mi",
        "limits.cpu": "700m",
        "limits.memory": "640Mi",
    }
    ports = {p["metadata"]["name"]: p for p in shared["NetworkPolicy"]}["allow-effort-ports"]["spec"]["ingress"][0]
    assert ports["ports"] == [
        {"protocol": "TCP", "port": 31000, "endPort": 31009},
        {"protocol": "TCP", "port": 31010},
    ]


def test_effort_resources_override_the_defaults_field_by_field(plan_from, shared_plan_yaml):
    big = by_kind(render(plan_from(shared_plan_yaml))["big"])
    # cpu 1 (own) / limit 1500m (own); memory 1Gi (own) / no limit anywhere: the request
    assert big["LimitRange"][0]["spec"]["limits"][0]["default"] == {"cpu": "1500m", "memory": "1Gi"}
    assert big["ResourceQuota"][0]["spec"]["hard"]["limits.memory"] == "1088Mi"


def test_concurrency_never_exceeds_the_plans_agents(plan_from, shared_plan_yaml):
    text = shared_plan_yaml.replace("max_parallel_agents: 3", "max_parallel_agents: 1")
    hard = by_kind(render(plan_from(text))["team-ns"])["ResourceQuota"][0]["spec"]["hard"]
    assert hard["pods"] == "1"
    assert hard["requests.cpu"] == "260m"


def test_conflicting_labels_in_one_namespace_are_refused_naming_both_efforts(plan_from, shared_plan_yaml):
    text = shared_plan_yaml.replace(
        "labels: {tier: x}, ports: {start: 31010", "labels: {tier: y}, ports: {start: 31010"
    )
    with pytest.raises(RenderError, match=r"namespace team-ns: efforts 1\.1 and 1\.2 give label tier different values"):
        render(plan_from(text))


def test_a_resource_that_is_not_a_quantity_is_refused(plan_from, shared_plan_yaml):
    text = shared_plan_yaml.replace("memory: 256Mi", "memory: lots")
    with pytest.raises(RenderError, match=r"'lots' is not a Kubernetes quantity"):
        render(plan_from(text))


def test_the_waves_integrations_get_the_plans_namespace_even_when_every_effort_has_its_own(phase10):
    every_own = [e.model_copy(update={"namespace": e.namespace or "docs"}) for e in phase10.efforts]
    plan = phase10.model_copy(update={"efforts": every_own})
    assert plan.integration is not None
    manifests = render(plan)
    assert "waveflow-phase10" in manifests  # where the integrate pods run
    quota = next(d for d in manifests["waveflow-phase10"] if d["kind"] == "ResourceQuota")
    assert quota["spec"]["hard"]["pods"] == "1"  # one integration at a time: a wave's starts after its efforts
    assert "waveflow-phase10" not in render(plan.model_copy(update={"integration": None}))
