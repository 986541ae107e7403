"""When a run lands its phase (and only then) it emits `waveflow://<plan>/landed`; what a following plan's DAG is
scheduled on."""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_runs import asset_events, migrate, run
from preflight_git import commit, git

from waveflow.airflow.assets import landed_asset, not_landed
from waveflow.airflow.factory import build_dag
from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_plan
from waveflow.plan.read_yaml import read_yaml


def test_only_a_full_run_with_every_gate_passed_lands():
    gates = {"PR Size": True}
    assert not_landed({}, {"1.1": "success", "1.2": "success"}, gates) is None
    assert not_landed({"dry_run": True}, {"1.1": "success"}, gates) == "a dry run"
    assert not_landed({}, {"1.1": "success", "1.2": "skipped"}, gates) == "efforts that did not run or succeed: 1.2"
    gates |= {"Test Coverage": False, "Chaos Recovery": False}
    assert not_landed({}, {"1.1": "success"}, gates) == "gates that did not pass: Test Coverage, Chaos Recovery"


@pytest.fixture
def phase10(repo_root: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WAVEFLOW_DEADLINES", "off")
    plan = read_plan(repo_root / "include/plans/phase10.yaml")
    plan.follows = "phase9"
    return plan


def serialized(plan):
    from airflow.serialization.serialized_objects import DagSerialization

    return DagSerialization.from_dict(DagSerialization.to_dict(build_dag(plan, Path("phase10.yaml"))))


def test_a_following_plan_is_scheduled_on_the_landed_asset_or_its_cron(phase10):
    assert serialized(phase10).timetable.summary == "0 2 * * *"
    phase10.schedule_on_previous = True
    both = serialized(phase10).timetable
    assert both.summary == "Asset or 0 2 * * *"
    assert both.asset_condition.uri == "waveflow://phase9/landed"
    phase10.schedule = None
    only = serialized(phase10)
    assert only.timetable.summary == "Asset" and only.timetable.asset_condition.uri == "waveflow://phase9/landed"
    assert [o.name for o in only.get_task("quality_gates.run_outcome").outlets] == ["waveflow-phase10-landed"]


def test_scheduling_on_the_previous_phase_needs_one():
    with pytest.raises(PlanError, match="schedule_on_previous needs `follows`"):
        read_yaml("name: lonely\nschedule_on_previous: true\n")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore")
def test_a_run_emits_the_asset_only_when_its_gates_pass(tmp_path, monkeypatch):
    """A plan with no efforts: the run is preflight, a gate that requires data nobody reported, and the outcome."""
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    git("init", "-q", "--bare", "-b", "main", str(remote))
    git("clone", "-q", str(remote), str(work))
    commit(work, "README")
    git("push", "-q", "origin", "main", cwd=work)
    for name, value in {
        "WAVEFLOW_REPO_URL": str(remote),
        "WAVEFLOW_BACKEND": "local",
        "WAVEFLOW_REPORTS_DIR": str(tmp_path / "reports"),
        "WAVEFLOW_PLANS_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)
    migrate()
    plan = read_yaml(
        "name: chain-gates\nschedule: null\ngates:\n  - {metric: Test Coverage, target: '>80%', required: true}\n"
    )
    asset = landed_asset("chain-gates").uri
    before = len(asset_events(asset))

    not_enforced, tis = run(plan, {"enforce_gates": False})
    assert {ti.state for t, ti in tis.items() if t.startswith("preflight.")} == {"success"}
    assert not_enforced.state == "success" and tis["quality_gates.run_outcome"].state == "success"
    assert len(asset_events(asset)) == before
    status = (tmp_path / "reports" / "chain-gates" / not_enforced.run_id / "status.log").read_text()
    assert "phase not landed asset=waveflow://chain-gates/landed why=gates that did not pass: Test Coverage" in status

    plan.gates[0].required = False
    landed, _ = run(plan, {})
    assert landed.state == "success"
    events = asset_events(asset)
    assert len(events) == before + 1
    assert events[-1].source_run_id == landed.run_id and events[-1].extra["run_id"] == landed.run_id
