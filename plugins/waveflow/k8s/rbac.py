"""Who may do what in an effort namespace: Airflow launches and watches pods there, the effort pod may do nothing.

The rules are the API calls the cncf-kubernetes provider's KubernetesPodOperator makes (operator, pod manager,
trigger), and no more; `tests/deploy/test_rbac.py` checks them against the installed provider's source.
"""

from __future__ import annotations

from typing import Any

from .manifest import namespaced

ROLE_NAME = "waveflow-pod-launcher"
RUNNER_SERVICE_ACCOUNT = "waveflow-runner"
RBAC_API = "rbac.authorization.k8s.io/v1"

KPO_RULES: list[dict[str, Any]] = [
    # create the effort pod; read it while it runs; find it again after a restart (list by labels); mark it as
    # checked (patch); delete it when it succeeded or the task is killed.
    {"apiGroups": [""], "resources": ["pods"], "verbs": ["create", "delete", "get", "list", "patch"]},
    {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
    # The xcom sidecar is read and stopped by exec over a websocket: an HTTP GET, authorized as `get` by clusters
    # before 1.35 and as `create` by those that authorize websocket upgrades as what they do (1.35+).
    {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create", "get"]},
    # Startup progress and failure reasons: events of the pod, listed and watched by field selector.
    {"apiGroups": [""], "resources": ["events"], "verbs": ["list", "watch"]},
]


def service_account(namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """The identity effort pods run as: it is bound to nothing, and its token is never mounted."""
    return namespaced(
        "v1", "ServiceAccount", RUNNER_SERVICE_ACCOUNT, namespace, labels, automountServiceAccountToken=False
    )


def role(namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return namespaced(RBAC_API, "Role", ROLE_NAME, namespace, labels, rules=KPO_RULES)


def role_binding(namespace: str, labels: dict[str, str], airflow_accounts: list[tuple[str, str]]) -> dict[str, Any]:
    """Binds the Role to Airflow's own service accounts (`(namespace, name)`), which live outside this namespace."""
    return namespaced(
        RBAC_API,
        "RoleBinding",
        ROLE_NAME,
        namespace,
        labels,
        roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": ROLE_NAME},
        subjects=[{"kind": "ServiceAccount", "name": name, "namespace": ns} for ns, name in airflow_accounts],
    )
