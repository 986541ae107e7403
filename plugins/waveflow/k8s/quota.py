"""ResourceQuota and LimitRange of an effort namespace, from the plan's resources and how many efforts run at once.

A pod of an effort is the runner container (the plan's resources) plus the provider's xcom sidecar. The sidecar
declares no limits of its own, so Airflow's `kubernetes_default` connection gives it `XCOM_SIDECAR_RESOURCES`
(`docker-compose.yaml` and `include/helm/values.yaml` set it); without that the LimitRange would give it the
runner's limits and the pod would not fit the quota.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..airflow.pod_spec import container_resources
from ..plan.model import Effort, Plan
from . import quantity
from .manifest import namespaced

NAME = "waveflow-efforts"
XCOM_SIDECAR_RESOURCES = {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}}
_FORMAT = {"cpu": quantity.cpu, "memory": quantity.memory}


def container_footprint(plan: Plan, effort: Effort) -> dict[str, dict[str, Decimal]]:
    """`{"requests": {...}, "limits": {...}}` of the runner container, in base units; a missing limit is its request
    (a container without limits gets the LimitRange default, which is sized from these)."""
    declared = container_resources(plan, effort)
    requests = {r: quantity.parse(v) for r, v in (declared.requests or {}).items()}
    limits = {r: quantity.parse(v) for r, v in (declared.limits or {}).items()}
    return {"requests": requests, "limits": {**requests, **limits}}


def _largest(footprints: list[dict[str, dict[str, Decimal]]], kind: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for fp in footprints:
        for resource, amount in fp[kind].items():
            out[resource] = max(out.get(resource, Decimal(0)), amount)
    return out


def _formatted(amounts: dict[str, Decimal]) -> dict[str, str]:
    return {resource: _FORMAT[resource](amount) for resource, amount in sorted(amounts.items())}


def limit_range(namespace: str, labels: dict[str, str], footprints: list[dict[str, dict[str, Decimal]]]) -> dict:
    """Defaults for a container that declares nothing (the runner's size), and the largest any container may ask."""
    largest_limits = _largest(footprints, "limits")
    item: dict[str, Any] = {
        "type": "Container",
        "default": _formatted(largest_limits),
        "defaultRequest": _formatted(_largest(footprints, "requests")),
        "max": _formatted(largest_limits),
    }
    return namespaced("v1", "LimitRange", NAME, namespace, labels, spec={"limits": [item]})


def resource_quota(
    namespace: str, labels: dict[str, str], footprints: list[dict[str, dict[str, Decimal]]], concurrent: int
) -> dict[str, Any]:
    """Room for `concurrent` effort pods of the largest footprint, sidecars included, and not one pod more."""
    hard: dict[str, str] = {"pods": str(concurrent)}
    for kind in ("requests", "limits"):
        largest = _largest(footprints, kind)
        for resource, amount in sorted(largest.items()):
            sidecar = quantity.parse(XCOM_SIDECAR_RESOURCES[kind][resource])
            hard[f"{kind}.{resource}"] = _FORMAT[resource]((amount + sidecar) * concurrent)
    return namespaced("v1", "ResourceQuota", NAME, namespace, labels, spec={"hard": hard})
