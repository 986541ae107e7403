"""A plan's effort namespaces, each with its labels, RBAC, network policies, quota and limits, as manifest dicts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..airflow.pod_spec import LABEL_EFFORT, LABEL_PLAN, LABEL_WAVE, label_value, namespace_of
from ..plan.model import INTEGRATION_ID, Effort, Plan
from . import network, quota, rbac

PART_OF = {"app.kubernetes.io/part-of": "waveflow"}
# Effort pods are built to pass the restricted profile; enforcing it makes the namespace refuse any pod that is not.
POD_SECURITY = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")}
# The official Helm chart names its service accounts `<release>-worker` and `<release>-triggerer`: with the
# KubernetesExecutor a task's KPO runs in a worker pod, and while the task is deferred its trigger runs in the
# triggerer. Both talk to the effort namespaces.
DEFAULT_AIRFLOW_ACCOUNTS = (("airflow", "airflow-worker"), ("airflow", "airflow-triggerer"))


@dataclass(frozen=True)
class ClusterOptions:
    airflow_accounts: tuple[tuple[str, str], ...] = DEFAULT_AIRFLOW_ACCOUNTS
    git_ports: tuple[int, ...] = network.DEFAULT_GIT_PORTS
    git_cidrs: tuple[str, ...] = field(default=())


class RenderError(ValueError):
    """The plan validates but cannot become manifests (conflicting labels, a resource that is not a quantity)."""


def effort_namespaces(plan: Plan) -> dict[str, list[Effort]]:
    """Namespace -> its efforts, in plan order; efforts without a namespace share the plan's, and so do the waves'
    integrations (whose pods need it even when every effort has a namespace of its own)."""
    groups: dict[str, list[Effort]] = defaultdict(list)
    for effort in [*plan.efforts, *plan.integration_jobs()]:
        groups[namespace_of(plan, effort)].append(effort)
    return dict(groups)


def concurrent_pods(plan: Plan, efforts: list[Effort]) -> int:
    """How many of these efforts can run at once: the most in one wave, never more than the plan's agents."""
    per_wave: dict[int, int] = defaultdict(int)
    for effort in efforts:
        # A wave's integration starts when its efforts have ended: it adds no pod to theirs.
        per_wave[effort.wave] += not effort.id.startswith(INTEGRATION_ID)
    return min(max(max(per_wave.values()), 1), plan.parallel_agents)


def namespace_labels(plan: Plan, namespace: str, efforts: list[Effort]) -> dict[str, str]:
    labels: dict[str, str] = {}
    owner: dict[str, str] = {}
    for effort in efforts:
        for key, value in effort.labels.items():
            if key in labels and labels[key] != value:
                raise RenderError(
                    f"namespace {namespace}: efforts {owner[key]} and {effort.id} give label {key} "
                    f"different values ({labels[key]!r}, {value!r}); give them their own namespaces"
                )
            labels[key], owner[key] = value, effort.id
    labels.update(PART_OF)
    labels[LABEL_PLAN] = label_value(plan.name)
    # Identify the effort and wave only when the namespace holds exactly one of each.
    if len(efforts) == 1:
        labels[LABEL_EFFORT] = label_value(efforts[0].id)
    if len({e.wave for e in efforts}) == 1:
        labels[LABEL_WAVE] = str(efforts[0].wave)
    return labels


def render_namespace(
    plan: Plan, namespace: str, efforts: list[Effort], options: ClusterOptions
) -> list[dict[str, Any]]:
    labels = namespace_labels(plan, namespace, efforts)
    common = {**PART_OF, LABEL_PLAN: labels[LABEL_PLAN]}
    try:
        footprints = [quota.container_footprint(plan, e) for e in efforts]
    except ValueError as exc:
        raise RenderError(f"namespace {namespace}: resources: {exc}") from None
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": namespace, "labels": {**labels, **POD_SECURITY}},
        },
        rbac.service_account(namespace, common),
        rbac.role(namespace, common),
        rbac.role_binding(namespace, common, list(options.airflow_accounts)),
        network.default_deny(namespace, common),
        network.allow_dns(namespace, common),
        network.allow_git(namespace, common, list(options.git_ports), list(options.git_cidrs)),
    ]
    ranges = [e.ports for e in efforts if e.ports]
    if ranges:
        docs.append(network.allow_effort_ports(namespace, common, ranges))
    docs.append(quota.resource_quota(namespace, common, footprints, concurrent_pods(plan, efforts)))
    docs.append(quota.limit_range(namespace, common, footprints))
    return docs


def render(plan: Plan, options: ClusterOptions | None = None) -> dict[str, list[dict[str, Any]]]:
    """Namespace -> its manifests, the Namespace first (what `kubectl apply` must create before the rest)."""
    options = options or ClusterOptions()
    return {ns: render_namespace(plan, ns, efforts, options) for ns, efforts in effort_namespaces(plan).items()}


class _Dumper(yaml.SafeDumper):
    # A manifest read by people: repeat shared values rather than write `&id001` anchors.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(docs: list[dict[str, Any]]) -> str:
    return yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False, default_flow_style=False, explicit_start=True)
