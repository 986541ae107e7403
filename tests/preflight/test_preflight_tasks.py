"""The preflight tasks: each fails with its check's message; a dry run is preflight only; on the kubernetes backend a
cluster that does not let Airflow run pods stops the run before any effort."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from airflow.sdk.exceptions import AirflowFailException
from plan_runs import asset_events, migrate, run
from preflight_git import git

from waveflow.airflow.assets import landed_asset
from waveflow.airflow.pool import api_url
from waveflow.airflow.preflight_tasks import PreflightOperator
from waveflow.k8s.render import render
from waveflow.plan.load import read_plan
from waveflow.plan.model import Plan

PREFLIGHT = ["base_ref", "previous_phase", "agents", "isolation", "image_and_secret", "cluster_access"]
EFFORTS = ["wave_1.e10_1_1"] + [f"wave_2.e10_2_{i}" for i in range(1, 5)]


@pytest.fixture
def phase10(repo_root: Path) -> Plan:
    return read_plan(repo_root / "include/plans/phase10.yaml")


@pytest.fixture
def env(remote, tmp_path, monkeypatch) -> Path:
    """The run's environment: the bare remote as the repository, reports under tmp_path; returns the reports dir."""
    monkeypatch.setenv("WAVEFLOW_REPO_URL", str(remote[0]))
    monkeypatch.setenv("WAVEFLOW_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("WAVEFLOW_BACKEND", "kubernetes")
    monkeypatch.setenv("WAVEFLOW_DEADLINES", "off")
    return tmp_path / "reports"


def execute(plan: Plan, check: str, base_ref: str = "main", image: str = "runner:1") -> Any:
    task = PreflightOperator(task_id=check, plan=plan, check=check, base_ref=base_ref, image=image)
    return task.execute({})


def failure(plan: Plan, check: str, **kwargs: str) -> str:
    with pytest.raises(AirflowFailException) as raised:
        execute(plan, check, **kwargs)
    return str(raised.value)


def test_base_ref_task(phase10, remote, env):
    bare, head, _ = remote
    assert execute(phase10, "base_ref")["head"] == head
    assert failure(phase10, "base_ref", base_ref="release-9") == (
        f"preflight base-ref: 'release-9' does not exist on {bare}; push it or fix base_ref"
    )


@pytest.fixture
def follows_phase9(phase10, tmp_path, monkeypatch) -> Plan:
    """Phase 10, following a phase 9 of one effort on branch `p9` in the plans directory."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "phase9.yaml").write_text(
        "name: phase9\nwaves: [{number: 1}]\nefforts:\n  - {id: '9.1.1', name: S, wave: 1, branch: p9, agent: A}\n"
    )
    monkeypatch.setenv("WAVEFLOW_PLANS_DIR", str(plans))
    phase10.follows = "phase9"
    return phase10


def test_a_base_ref_param_the_plan_would_refuse_fails_its_checks_before_git_runs(follows_phase9, env, tmp_path):
    phase10 = follows_phase9
    hostile = f"--upload-pack=touch {tmp_path / 'pwned'}"
    why = f"base_ref {hostile!r}: a branch name cannot start with '-'"
    assert failure(phase10, "base_ref", base_ref=hostile) == f"preflight base-ref: {why}"
    assert failure(phase10, "previous_phase", base_ref=hostile) == f"preflight previous-phase: {why}"
    assert failure(phase10, "base_ref", base_ref="refs/notes/waveflow") == (
        "preflight base-ref: base_ref 'refs/notes/waveflow': it is under refs/notes/, where git keeps notes, not "
        "commits to build on"
    )
    assert not (tmp_path / "pwned").exists()


def test_previous_phase_task(follows_phase9, remote, env):
    phase10, work = follows_phase9, remote[2]
    git("push", "-q", "origin", "main:p9", cwd=work)
    assert execute(phase10, "previous_phase")["message"] == "all 1 branches of phase9 are merged into main"
    git("commit", "-q", "--allow-empty", "-m", "unmerged", cwd=work)
    git("push", "-q", "origin", "HEAD:p9", cwd=work)
    assert failure(phase10, "previous_phase") == (
        "preflight previous-phase: phase9: not merged into main: p9; merge those first"
    )


def test_plan_tasks_fail_with_what_to_fix(phase10, env, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_WAVEFLOW_API", raising=False)
    assert execute(phase10, "agents")["message"] == (
        "5 efforts assigned; pool waveflow-phase10 not checked: "
        "no `waveflow_api` connection (the Airflow REST API's address and a login) to ask it with"
    )
    phase10.efforts[0].agent = None
    assert failure(phase10, "agents") == "preflight agents: efforts without an agent: 10.1.1; name one per effort"
    phase10.efforts[2].ports = phase10.efforts[1].ports
    assert failure(phase10, "isolation") == (
        "preflight isolation: ports of 10.2.1 and 10.2.2 overlap: give each effort of a wave its own"
    )
    phase10.git_secret = ""
    assert failure(phase10, "image_and_secret") == (
        "preflight image-and-secret: no git credentials Secret: set git_secret in the plan"
    )


def test_cluster_access_task(phase10, env, cluster):
    state, _, _ = cluster
    message = failure(phase10, "cluster_access")
    assert message.startswith("preflight cluster-access: e2e-framework: may not create pods,")
    for docs in render(phase10).values():
        state.apply(docs)
    assert execute(phase10, "cluster_access")["message"].startswith("5 namespaces exist")


@pytest.fixture(scope="module")
def airflow_db() -> None:
    migrate()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")
def test_a_dry_run_is_preflight_only(airflow_db, phase10, env, cluster):
    state, emulator, _ = cluster
    for docs in render(phase10).values():
        state.apply(docs)
    dag_run, tis = run(phase10, {"dry_run": True})
    assert {t: tis[f"preflight.{t}"].state for t in PREFLIGHT} == dict.fromkeys(PREFLIGHT, "success")
    assert {tis[t].state for t in EFFORTS} == {"skipped"}
    assert dag_run.state == "success"
    assert not [r for r in emulator.requests if r.resource and r.resource.plural == "pods"]
    # A successful dry run is not a landing: the next phase must not start on it.
    assert asset_events(landed_asset("phase10").uri, dag_run.run_id) == []
    status = (env / "phase10" / dag_run.run_id / "status.log").read_text()
    assert "phase not landed asset=waveflow://phase10/landed why=a dry run" in status
    assert "effort started" not in status


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")
def test_a_failed_check_stops_the_run_before_any_effort(airflow_db, phase10, env, cluster):
    state, emulator, _ = cluster
    for namespace, docs in render(phase10).items():
        state.apply([d for d in docs if not (namespace == "chaos-tests" and d["kind"] == "RoleBinding")])
    dag_run, tis = run(phase10, {})
    assert tis["preflight.cluster_access"].state == "failed"
    assert {tis[f"preflight.{t}"].state for t in PREFLIGHT if t != "cluster_access"} == {"success"}
    assert {tis[t].state for t in EFFORTS} == {"upstream_failed"}
    assert dag_run.state == "failed"
    assert not [r for r in emulator.requests if r.resource and r.resource.plural == "pods"]


def test_the_pool_check_names_an_api_it_cannot_reach(phase10, env, monkeypatch):
    from support.postgres import free_port

    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AIRFLOW_CONN_WAVEFLOW_API", f'{{"conn_type": "http", "host": "{url}", "login": "preflight"}}')
    assert failure(phase10, "agents").startswith(
        f"preflight agents: cannot read pool waveflow-phase10: the `waveflow_api` connection ({url} as preflight) "
        "did not answer"
    )
    assert api_url("api-server", 8080, None) == "http://api-server:8080"
    assert api_url("https://airflow.example.com", None, None) == "https://airflow.example.com"
