"""The `preflight` group: the seed's Pre-Wave Checklist as one task per check, before any effort starts.

Each task fails with the check's own message, which says what to fix. A `dry_run` run stops after these.
"""

from __future__ import annotations

from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowFailException

from ..landing import check as landing_check
from ..plan.errors import PlanError
from ..plan.load import PLAN_SUFFIXES, read_plan
from ..plan.model import Plan
from ..preflight import CheckResult
from .effort_env import backend, configured_repo
from .paths import plans_dir
from .plan_spec import CLUSTER_CHECK
from .pool import pool_name, read_pool


def _branch_status(repo: str, branch: str, base: str) -> Any:
    return landing_check(repo, [branch], base).statuses[0]


def _cluster_access(plan: Plan) -> CheckResult:
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook
    from kubernetes.config import ConfigException

    from ..k8s.render import effort_namespaces
    from ..preflight import k8s_checks

    try:
        api = KubernetesHook(conn_id=KubernetesHook.default_conn_name).api_client
    except ConfigException as exc:
        why = f"no Kubernetes client configuration ({exc}); set the `{KubernetesHook.default_conn_name}` connection"
        return CheckResult("cluster-access", False, why)
    return k8s_checks.effort_namespaces(api, list(effort_namespaces(plan)))


def find_plan(name: str) -> Plan | None:
    """The plan called `name` among the plans beside this one (for `follows`)."""
    for path in sorted(plans_dir().iterdir()):
        if path.suffix.lower() not in PLAN_SUFFIXES:
            continue
        try:
            plan = read_plan(path)
        except PlanError:
            continue
        if plan.name == name:
            return plan
    return None


class PreflightOperator(BaseOperator):
    template_fields = ("base_ref", "image")
    ui_color = "#eaf6fb"

    def __init__(self, *, plan: Plan, check: str, base_ref: str, image: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.plan, self.check, self.base_ref, self.image = plan, check, base_ref, image

    def run_check(self) -> CheckResult:
        # Imported here: the Kubernetes client and GitPython would otherwise load at every parse of the DAG file.
        from ..preflight import git_checks, plan_checks

        plan, repo = self.plan, configured_repo(self.plan)
        if self.check == "base_ref":
            return git_checks.base_ref(repo, self.base_ref)
        if self.check == "previous_phase":
            previous = find_plan(plan.follows) if plan.follows else None
            return git_checks.previous_phase(previous, plan.follows, repo, self.base_ref, _branch_status)
        if self.check == "agents":
            pods = backend(plan) == "kubernetes"
            return plan_checks.agents(plan, read_pool(pool_name(plan)), deferrable_efforts=pods)
        if self.check == "isolation":
            return plan_checks.isolation(plan)
        if self.check == CLUSTER_CHECK:
            return _cluster_access(plan)
        return plan_checks.image_and_secret(plan, self.image, backend(plan))

    def execute(self, context: Any) -> dict[str, Any]:
        result = self.run_check()
        self.log.info("%s", result)
        if not result.ok:
            raise AirflowFailException(f"preflight {result.name}: {result.message}")
        return {"check": result.name, "message": result.message, **result.detail}
