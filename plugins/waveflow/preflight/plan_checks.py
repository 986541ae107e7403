"""Preflight checks that need only the plan and the run's settings."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..plan.model import Plan
from . import CheckResult


@dataclass(frozen=True)
class PoolReading:
    """The plan's Airflow pool as the REST API reported it. `slots` is None when the pool does not exist; `skipped`
    says why it was not asked (the check then passes and says so); `error` why asking it failed."""

    name: str
    slots: int | None = None
    skipped: str | None = None
    error: str | None = None
    include_deferred: bool = True


def agents(plan: Plan, pool: PoolReading, deferrable_efforts: bool) -> CheckResult:
    """`deferrable_efforts`: effort tasks spend their run deferred (pods), so only a pool counting deferred tasks
    bounds them."""
    missing = [e.id for e in plan.efforts if not e.agent]
    if missing:
        return CheckResult("agents", False, f"efforts without an agent: {', '.join(missing)}; name one per effort")
    assigned = f"{len(plan.efforts)} efforts assigned"
    fix = f'`airflow pools set {pool.name} {plan.parallel_agents} "efforts of {plan.name} at once" --include-deferred`'
    if pool.error:
        return CheckResult("agents", False, f"cannot read pool {pool.name}: {pool.error}")
    if pool.skipped:
        return CheckResult("agents", True, f"{assigned}; pool {pool.name} not checked: {pool.skipped}")
    if pool.slots is None:
        why = f"pool {pool.name} does not exist, so no effort would start; create it with {fix}"
        return CheckResult("agents", False, why)
    if plan.parallel_agents > pool.slots:
        why = (
            f"the plan runs {plan.parallel_agents} agents at once but pool {pool.name} has {pool.slots} slots; "
            f"resize it with {fix} or lower max_parallel_agents"
        )
        return CheckResult("agents", False, why)
    if deferrable_efforts and not pool.include_deferred:
        why = (
            f"pool {pool.name} does not count deferred tasks, so every effort of a wave would start at once; "
            f"fix it with {fix}"
        )
        return CheckResult("agents", False, why)
    fits = f"{plan.parallel_agents} agents fit pool {pool.name} ({pool.slots} slots)"
    return CheckResult("agents", True, f"{assigned}; {fits}", {"pool_slots": str(pool.slots)})


def isolation(plan: Plan) -> CheckResult:
    """Efforts of one wave run at once, so inside a wave namespaces and port ranges must be disjoint."""
    clashes: list[str] = []
    for wave in plan.waves:
        members = plan.wave_efforts(wave.number)
        seen: dict[str, str] = {}
        for e in members:
            if e.namespace and plan.isolation.namespaces:
                if e.namespace in seen:
                    clashes.append(f"namespace {e.namespace} shared by {seen[e.namespace]} and {e.id}")
                seen[e.namespace] = e.id
        ranged = sorted((e for e in members if e.ports), key=lambda e: e.ports.start if e.ports else 0)
        for a, b in itertools.pairwise(ranged):
            if plan.isolation.ports and a.ports and b.ports and a.ports.overlaps(b.ports):
                clashes.append(f"ports of {a.id} and {b.id} overlap")
    if clashes:
        return CheckResult("isolation", False, "; ".join(clashes) + ": give each effort of a wave its own")
    return CheckResult("isolation", True, "namespaces and port ranges are disjoint inside every wave")


def image_and_secret(plan: Plan, image: str | None, backend: str) -> CheckResult:
    if backend != "kubernetes":
        return CheckResult("image-and-secret", True, f"{backend} backend: no image or Secret needed")
    problems = []
    if not (image or plan.defaults.image):
        problems.append("no effort image: set defaults.image in the plan or the `image` param")
    if not plan.git_secret:
        problems.append("no git credentials Secret: set git_secret in the plan")
    if problems:
        return CheckResult("image-and-secret", False, "; ".join(problems))
    return CheckResult("image-and-secret", True, f"image {image or plan.defaults.image}, Secret {plan.git_secret}")
