"""What the preflight's cluster check asks of a cluster, added to the pod emulator as kmock reactions: Namespace
reads and SelfSubjectAccessReviews, both answered by evaluating RBAC objects applied to `Cluster` for the identity
behind the request's bearer token.

kmock cannot store Namespaces (it reads `/api/v1/namespaces/<name>` as a namespace prefix), nor does it authorize
anything, so both live here. RBAC is the subset the manifests of `waveflow k8s` use: Roles, ClusterRoles, their
bindings to ServiceAccounts and Users, rules by apiGroup, resource (with subresource) and verb, `*` wildcards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import kmock

# The identity Airflow's worker launches pods with in these tests, and its bearer token.
WORKER_TOKEN = "worker-token"

AUTHZ = kmock.resource("authorization.k8s.io", "v1", "selfsubjectaccessreviews")


@dataclass
class Cluster:
    tokens: dict[str, str] = field(default_factory=dict)  # bearer token -> user name
    namespaces: set[str] = field(default_factory=set)
    rules: dict[tuple[str, str | None, str], list[dict[str, Any]]] = field(default_factory=dict)  # kind, ns, name
    bindings: list[dict[str, Any]] = field(default_factory=list)
    emulator: kmock.KubernetesEmulator | None = None

    def apply(self, docs: list[dict[str, Any]]) -> None:
        for doc in docs:
            meta, kind = doc["metadata"], doc["kind"]
            if kind == "Namespace":
                self.namespaces.add(meta["name"])
            elif kind in ("Role", "ClusterRole"):
                self.rules[kind, meta.get("namespace"), meta["name"]] = doc.get("rules") or []
            elif kind in ("RoleBinding", "ClusterRoleBinding"):
                self.bindings.append(doc)

    def allows(self, user: str, namespace: str | None, verb: str, group: str, resource: str) -> bool:
        for binding in self.bindings:
            scope = binding["metadata"].get("namespace")
            if binding["kind"] == "RoleBinding" and scope != namespace:
                continue
            if not any(_names(subject) == user for subject in binding.get("subjects") or []):
                continue
            ref = binding["roleRef"]
            rules = self.rules.get((ref["kind"], scope if ref["kind"] == "Role" else None, ref["name"]), [])
            if any(_matches(rule, verb, group, resource) for rule in rules):
                return True
        return False

    def user(self, request: kmock.Request) -> str:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            raise kmock.KubernetesError(status=401, message="Unauthorized")
        return self.tokens[token]

    def review(self, request: kmock.Request) -> dict[str, Any]:
        attrs = request.data["spec"]["resourceAttributes"]
        resource = attrs["resource"] + (f"/{attrs['subresource']}" if attrs.get("subresource") else "")
        allowed = self.allows(
            self.user(request), attrs.get("namespace"), attrs["verb"], attrs.get("group") or "", resource
        )
        # kmock stored the review as an object named by its (absent) name: forget it, or the next one would conflict.
        assert self.emulator is not None
        self.emulator.objects[AUTHZ, None, None].delete()
        return {**request.data, "status": {"allowed": allowed}}

    def read_namespace(self, request: kmock.Request) -> dict[str, Any]:
        # kmock parses `/api/v1/namespaces/<name>` as that namespace with no resource.
        name = request.namespace or ""
        if not self.allows(self.user(request), None, "get", "", "namespaces"):
            raise kmock.KubernetesError(status=403, message=f'namespaces "{name}" is forbidden')
        if name not in self.namespaces:
            raise kmock.KubernetesError(status=404, message=f'namespaces "{name}" not found')
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}

    def install(self, emulator: kmock.KubernetesEmulator) -> None:
        self.emulator = emulator
        emulator[kmock.action.CREATE, AUTHZ] << self.review
        emulator[_is_namespace_read] << self.read_namespace


def service_account(namespace: str, name: str) -> str:
    return f"system:serviceaccount:{namespace}:{name}"


def _names(subject: dict[str, Any]) -> str:
    if subject["kind"] == "ServiceAccount":
        return service_account(subject["namespace"], subject["name"])
    return str(subject["name"])


def _matches(rule: dict[str, Any], verb: str, group: str, resource: str) -> bool:
    return (
        bool({group, "*"} & set(rule.get("apiGroups") or []))
        and bool({resource, "*"} & set(rule.get("resources") or []))
        and bool({verb, "*"} & set(rule.get("verbs") or []))
    )


def _is_namespace_read(request: kmock.Request) -> bool:
    resource = request.resource
    return (
        request.method == "GET"
        and resource is not None
        and (resource.group, resource.version, resource.plural) == ("", "v1", None)
        and request.namespace is not None
        and request.name is None
    )
