"""Every effort pod the DAG factory builds passes the Pod Security restricted profile, whatever the plan holds and
whatever a trigger passes: plans cannot set pod fields, and run parameters land in env values, never in a command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kpo_support import restricted
from kpo_support.render import PHASE10_JOBS, container, render_pod

from waveflow.airflow.pod_args import RUNNER_ARGS, RUNNER_COMMAND
from waveflow.plan.load import read_plan, read_text
from waveflow.plan.model import Plan, task_id
from waveflow.plan.validate import validate

pytestmark = pytest.mark.filterwarnings("ignore")

HOSTILE_PARAMS = {"base_ref": "$(touch pwned); rm -rf /", "image": "evil:latest; sh", "efforts": [], "dry_run": False}


def effort_pods(plan: Plan, params: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    from waveflow.airflow.factory import build_dag

    monkeypatch.setenv("WAVEFLOW_BACKEND", "kubernetes")
    dag = build_dag(plan, Path(f"{plan.name}.yaml"))
    tasks = {e.id: dag.get_task(f"wave_{e.wave}.{task_id(e.id)}") for e in plan.efforts}
    tasks |= {j.id: dag.get_task(f"wave_{j.wave}.integrate") for j in plan.integration_jobs()}
    return {effort: render_pod(task, params) for effort, task in tasks.items()}


def test_phase10_pods_under_hostile_run_parameters(repo_root, monkeypatch):
    plan = read_plan(repo_root / "include" / "plans" / "phase10.yaml")
    pods = effort_pods(plan, HOSTILE_PARAMS, monkeypatch)
    assert sorted(pods) == PHASE10_JOBS
    for effort, pod in pods.items():
        assert restricted.violations(pod) == [], effort
        base = container(pod)
        assert (base["command"], base["args"]) == (RUNNER_COMMAND, RUNNER_ARGS)
        env = {e["name"]: e.get("value") for e in base["env"]}
        # Wave 1 starts from the run's base ref: data for the runner, which refuses it. Wave 2 (and wave 2's
        # integration) from wave 1's integration branch, which no run parameter sets.
        wave_one = effort in ("10.1.1", "integration-wave-1")
        assert env["WAVEFLOW_BASE_REF"] == (HOSTILE_PARAMS["base_ref"] if wave_one else plan.integration_branch(1))
        for c in pod["spec"]["containers"]:
            assert not any("pwned" in part for part in [*(c.get("command") or []), *(c.get("args") or [])])


RESOURCES = st.sampled_from([None, {"cpu": "100m"}, {"memory": "64Gi", "memory_limit": "64Gi"}, {"cpu_limit": "8"}])


@st.composite
def valid_plans(draw: st.DrawFn) -> Plan:
    efforts = []
    for i in range(draw(st.integers(1, 4))):
        effort: dict[str, Any] = {"id": f"1.{i}", "name": f"E{i}", "wave": 1, "branch": f"f/e{i}", "agent": "A"}
        if draw(st.booleans()):
            effort["namespace"] = f"ns-{i}"
            effort["labels"] = {"team": draw(st.sampled_from(["a", "b-c"]))}
        if draw(st.booleans()):
            effort["ports"] = {"start": 30000 + 100 * i, "end": 30000 + 100 * i + draw(st.integers(0, 99))}
        if draw(st.booleans()):
            effort["image"] = draw(st.sampled_from(["python:3.12", "registry.example/agent@sha256:" + "a" * 64]))
        resources = draw(RESOURCES)
        if resources:
            effort["resources"] = resources
        efforts.append(effort)
    data = {
        "name": draw(st.sampled_from(["p", "phase-2"])),
        "waves": [{"number": 1}],
        "efforts": efforts,
        "isolation": {"namespaces": draw(st.booleans()), "ports": True},
    }
    plan = read_text(yaml.safe_dump(data), "gen.yaml")
    assert not [p for p in validate(plan) if p.severity == "error"]
    return plan


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=valid_plans())
def test_generated_plans_render_restricted_pods(plan, monkeypatch):
    params: dict[str, Any] = {"base_ref": "main", "image": None, "efforts": [], "dry_run": False}
    for effort, pod in effort_pods(plan, params, monkeypatch).items():
        assert restricted.violations(pod) == [], (effort, restricted.violations(pod))
