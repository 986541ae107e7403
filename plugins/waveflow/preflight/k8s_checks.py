"""Preflight check against the Kubernetes API (kubernetes backend): the effort namespaces exist and the identity
Airflow launches pods with may do there what the pod operator does.

Access is asked of the API server itself (SelfSubjectAccessReview), so the answer covers Roles, ClusterRoles and any
authorizer in front of RBAC. Reading a Namespace object is a cluster-wide permission Airflow's account often lacks:
then a namespace counts as present when the account may create pods in it, which needs a RoleBinding that only
lives in an existing namespace.
"""

from __future__ import annotations

from collections.abc import Sequence

import urllib3
from kubernetes.client import (
    ApiClient,
    AuthorizationV1Api,
    CoreV1Api,
    V1ResourceAttributes,
    V1SelfSubjectAccessReview,
    V1SelfSubjectAccessReviewSpec,
)
from kubernetes.client.rest import ApiException

from . import CheckResult

# The calls of the pod operator in an effort namespace (`waveflow.k8s.rbac.KPO_RULES`), as (verb, resource); each
# entry lists alternatives, any one of which suffices. Exec over a websocket is authorized as `get` by clusters
# before 1.35 and as `create` since.
CREATE = "create pods"
NEEDED: tuple[tuple[tuple[str, str], ...], ...] = (
    (("create", "pods"),),
    (("get", "pods"),),
    (("list", "pods"),),
    (("patch", "pods"),),
    (("delete", "pods"),),
    (("get", "pods/log"),),
    (("create", "pods/exec"), ("get", "pods/exec")),
    (("list", "events"),),
    (("watch", "events"),),
)
NAME = "cluster-access"
FIX = "apply the plan's manifests: `waveflow k8s PLAN | kubectl apply -f -`"


def allowed(auth: AuthorizationV1Api, namespace: str, verb: str, resource: str) -> bool:
    name, _, sub = resource.partition("/")
    review = V1SelfSubjectAccessReview(
        spec=V1SelfSubjectAccessReviewSpec(
            resource_attributes=V1ResourceAttributes(
                namespace=namespace, verb=verb, group="", resource=name, subresource=sub or None
            )
        )
    )
    answer = auth.create_self_subject_access_review(review)
    return bool(answer.status and answer.status.allowed)


def namespace_exists(core: CoreV1Api, namespace: str) -> bool | None:
    """True or False, or None when this identity may not read Namespace objects."""
    try:
        core.read_namespace(namespace)
    except ApiException as exc:
        if exc.status == 404:
            return False
        if exc.status == 403:
            return None
        raise
    return True


def denied(auth: AuthorizationV1Api, namespace: str) -> list[str]:
    """The operator's calls this identity may not make in `namespace`, as `verb resource`."""
    return [
        " or ".join(f"{verb} {resource}" for verb, resource in choices)
        for choices in NEEDED
        if not any(allowed(auth, namespace, verb, resource) for verb, resource in choices)
    ]


def effort_namespaces(api: ApiClient, namespaces: Sequence[str]) -> CheckResult:
    core, auth = CoreV1Api(api), AuthorizationV1Api(api)
    missing, problems = [], []
    try:
        for namespace in namespaces:
            exists = namespace_exists(core, namespace)
            if exists is False:
                missing.append(namespace)
                continue
            refused = denied(auth, namespace)
            if refused:
                unknown = exists is None and CREATE in refused
                unread = " (or it does not exist: this identity may not read namespaces)" if unknown else ""
                problems.append(f"{namespace}: may not {', '.join(refused)}{unread}")
    except ApiException as exc:
        return CheckResult(NAME, False, f"the Kubernetes API refused the check: {exc.status} {exc.reason}")
    except (OSError, urllib3.exceptions.HTTPError) as exc:
        return CheckResult(NAME, False, f"cannot reach the Kubernetes API ({exc}); check the Kubernetes connection")
    if missing:
        problems.insert(0, f"namespaces missing: {', '.join(missing)}")
    if problems:
        return CheckResult(NAME, False, f"{'; '.join(problems)}; {FIX}")
    return CheckResult(NAME, True, f"{len(namespaces)} namespaces exist and Airflow may run effort pods in each")
