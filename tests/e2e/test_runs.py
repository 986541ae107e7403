"""Phase 10 through Airflow's own scheduler: triggered like the UI does, nightly backfills, a cleared failed effort."""

from __future__ import annotations

import itertools
import json
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from support import polling

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DAG = "phase10"
WAVE2 = [f"wave_2.e10_2_{i}" for i in range(1, 5)]
RUN_TIMEOUT = 900


def wait_run(e2e: Any, run_id: str, timeout: float = RUN_TIMEOUT) -> str:
    return polling.wait_run(e2e.api, DAG, run_id, timeout)


def tis(e2e: Any, run_id: str) -> dict[str, dict[str, Any]]:
    return {ti["task_id"]: ti for ti in e2e.api.task_instances(DAG, run_id)}


def git(remote: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(remote), *args], check=True, capture_output=True, text=True).stdout


def heads(remote: Path) -> dict[str, str]:
    out = git(remote, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads/feature")
    return dict(line.split() for line in out.splitlines())


def branch(effort: str) -> str:
    return {
        "10.1.1": "feature/tmc-completion/p10w1-e2e-framework",
        "10.2.1": "feature/tmc-completion/p10w2-integration-tests",
        "10.2.2": "feature/tmc-completion/p10w2-performance-bench",
        "10.2.3": "feature/tmc-completion/p10w2-chaos-testing",
        "10.2.4": "feature/tmc-completion/p10w2-documentation",
    }[effort]


def _t(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_trigger_a_subset_like_the_ui_does(e2e):
    run_id = e2e.api.trigger(DAG, {"efforts": ["10.1.1", "10.2.1"], "enforce_gates": False})
    assert wait_run(e2e, run_id) == "success"
    states = {t: ti["state"] for t, ti in tis(e2e, run_id).items()}
    assert states["wave_1.e10_1_1"] == "success"
    assert states["wave_2.e10_2_1"] == "success"
    assert {states[t] for t in WAVE2[1:]} == {"skipped"}
    assert states["quality_gates.report"] == "success"
    assert all(states[t] in ("success", "failed") for t in states if t.startswith("quality_gates.gate_"))
    on_remote = heads(e2e.remote)
    assert set(on_remote) == {branch("10.1.1"), branch("10.2.1")}
    log = git(e2e.remote, "log", "--format=%B", branch("10.2.1"))
    assert "Waveflow-Effort: 10.2.1" in log and f"Waveflow-Run: {run_id}" in log and "Waveflow-Plan: phase10" in log
    note = git(e2e.remote, "notes", "--ref=refs/notes/waveflow", "show", on_remote[branch("10.2.1")])
    assert '"succeeded"' in note
    report = e2e.api.xcom(DAG, run_id, "quality_gates.report")
    html = Path(report["html"]).read_text(encoding="utf-8")
    assert "10.2.1" in html and "<svg" in html
    # The agent's loop through the scheduler: 10.2.1's first draft failed a test, the feedback named it, the second
    # iteration fixed it; both iterations are on the branch and in the report.
    result = e2e.api.xcom(DAG, run_id, "wave_2.e10_2_1")
    first, second = result["agent"]["iterations"]
    assert first["failed_tests"] == ["tests.integration.test_server_flow::test_clients_share_one_store_over_tcp"]
    assert second["tests_failed"] == 0 and "Waveflow-Iteration: 2" in log
    assert "test_clients_share_one_store_over_tcp" in Path(result["agent"]["brief_file"]).with_name(
        "feedback-2.md"
    ).read_text(encoding="utf-8")
    markdown = Path(report["markdown"]).read_text(encoding="utf-8")
    assert "| 2 of 2 iterations |" in markdown and "## Agents" in markdown
    # Preflight asked the API for the pool with the stack's `waveflow_api` connection.
    agents = e2e.api.xcom(DAG, run_id, "preflight.agents")
    assert agents["message"] == "5 efforts assigned; 4 agents fit pool waveflow-phase10 (4 slots)"


def test_wave_two_waits_for_the_sensor_and_runs_in_parallel(e2e):
    run_id = e2e.api.trigger(DAG, {"enforce_gates": False})
    wait_run(e2e, run_id)
    ti = tis(e2e, run_id)
    assert {ti[t]["state"] for t in ["wave_1.e10_1_1", *WAVE2]} == {"success"}
    # Efforts memoized by an earlier test take a second; these did their work in this run.
    assert not any(e2e.api.xcom(DAG, run_id, t)["memoized"] for t in WAVE2[1:])
    sensor_end = _t(ti["wave_1_landed"]["end_date"])
    assert ti["wave_1_landed"]["state"] == "success"
    spans = [(_t(ti[t]["start_date"]), _t(ti[t]["end_date"])) for t in WAVE2]
    assert all(start >= sensor_end for start, _ in spans), "a wave 2 effort started before wave 1 landed"
    # The most wave 2 efforts running at one moment: more than one (parallel), at most the pool's 4 slots.
    peak = max(sum(s <= moment < e for s, e in spans) for moment, _ in spans)
    assert 2 <= peak <= 4
    # The siblings met: each wave's integration merged and tested its branches, wave 2 started from wave 1's, and
    # the phase's integration branch holds every effort's head.
    assert ti["wave_1.integrate"]["state"] == ti["wave_2.integrate"]["state"] == "success"
    wave_one = e2e.api.xcom(DAG, run_id, "wave_1.integrate")
    assert {e2e.api.xcom(DAG, run_id, t)["base_commit"] for t in WAVE2} == {wave_one["head"]}
    wave_two = e2e.api.xcom(DAG, run_id, "wave_2.integrate")
    assert [m["effort"] for m in wave_two["merged"]] == ["10.2.1", "10.2.2", "10.2.3", "10.2.4"]
    assert wave_two["published"] == "waveflow/phase10/integration" and wave_two["metrics"]["tests_failed"] == 0
    for effort in ("10.1.1", "10.2.1", "10.2.2", "10.2.3", "10.2.4"):
        holding = git(e2e.remote, "branch", "--contains", heads(e2e.remote)[branch(effort)]).split()
        assert "waveflow/phase10/integration" in holding, effort


def test_nightly_backfill_redoes_only_the_failed_effort(e2e, tmp_path):
    # New work on main: every effort has a new start point, so the first pass does real work everywhere.
    advance_main(e2e.remote, tmp_path / "clone")
    e2e.fail_file.write_text("10.2.3\n")
    first = _backfill(e2e)
    assert sorted(first.values()) == ["failed", "failed"], first
    after_first = heads(e2e.remote)
    e2e.fail_file.unlink()
    second = _backfill(e2e)
    assert sorted(second.values()) == ["success", "success"], second
    after_second = heads(e2e.remote)
    for effort in ("10.1.1", "10.2.1", "10.2.2", "10.2.4"):
        assert after_second[branch(effort)] == after_first[branch(effort)]
    first_rerun = sorted(second)[0]
    results = {t: e2e.api.xcom(DAG, first_rerun, t) for t in ["wave_1.e10_1_1", *WAVE2]}
    assert [t for t, r in results.items() if not r["memoized"]] == ["wave_2.e10_2_3"]
    assert results["wave_2.e10_2_3"]["status"] == "succeeded"


def advance_main(remote: Path, clone: Path) -> None:
    subprocess.run(["git", "clone", "-q", str(remote), str(clone)], check=True)
    (clone / "CHANGELOG.md").write_text(f"Nightly work on main: {clone}\n")
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "-C", str(clone), "add", "CHANGELOG.md"], check=True)
    subprocess.run(["git", "-C", str(clone), *ident, "commit", "-qm", "changelog"], check=True)
    subprocess.run(["git", "-C", str(clone), "push", "-q", "origin", "HEAD:main"], check=True)


def _backfill(e2e: Any) -> dict[str, str]:
    body = {
        "dag_id": DAG,
        "from_date": "2026-01-01T00:00:00Z",
        "to_date": "2026-01-02T12:00:00Z",
        "reprocess_behavior": "failed",
        "max_active_runs": 1,
        "dag_run_conf": {"enforce_gates": False},
    }
    backfill = e2e.api.call("POST", "/backfills", json=body)
    deadline = time.monotonic() + 2 * RUN_TIMEOUT
    while e2e.api.call("GET", f"/backfills/{backfill['id']}").get("completed_at") is None:
        assert time.monotonic() < deadline, "backfill did not complete"
        time.sleep(5)
    runs = e2e.api.call("GET", f"/dags/{DAG}/dagRuns", params={"run_type": "backfill", "limit": 50})["dag_runs"]
    return {r["dag_run_id"]: r["state"] for r in runs}


def test_clearing_the_failed_effort_reruns_just_it(e2e, tmp_path):
    advance_main(e2e.remote, tmp_path / "clone")  # else 10.2.4 returns its memoized success
    e2e.fail_file.write_text("10.2.4\n")
    run_id = e2e.api.trigger(DAG, {"efforts": ["10.1.1", "10.2.4"], "enforce_gates": False})
    assert wait_run(e2e, run_id) == "failed"
    before = tis(e2e, run_id)
    assert before["wave_2.e10_2_4"]["state"] == "failed"
    assert "10.2.4" in str(
        e2e.api.call(
            "GET",
            f"/dags/{DAG}/dagRuns/{run_id}/taskInstances/quality_gates.run_outcome/logs/1",
            params={"full_content": True},
        )
    )
    e2e.fail_file.unlink()
    body = {"dry_run": False, "task_ids": ["wave_2.e10_2_4"], "dag_run_id": run_id, "include_downstream": True}
    cleared = e2e.api.call("POST", f"/dags/{DAG}/clearTaskInstances", json=body)
    assert {ti["task_id"] for ti in cleared["task_instances"]} >= {"wave_2.e10_2_4", "quality_gates.run_outcome"}
    assert "wave_1.e10_1_1" not in {ti["task_id"] for ti in cleared["task_instances"]}
    assert wait_run(e2e, run_id) == "success"
    after = tis(e2e, run_id)
    assert after["wave_2.e10_2_4"]["state"] == "success"
    assert after["wave_1.e10_1_1"]["try_number"] == before["wave_1.e10_1_1"]["try_number"]
    assert report_row(e2e, run_id, "10.2.4")[3] == "succeeded"  # resumed the committed work: not "changed nothing"


def report_row(e2e: Any, run_id: str, effort: str) -> list[str]:
    """The effort's row of the report's effort table, as cells."""
    text = (e2e.reports / DAG / run_id / "report.md").read_text()
    row = next(line for line in text.splitlines() if line.startswith(f"| {effort} ") and "feature/" in line)
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_clearing_only_the_failed_tasks_rejudges_after_the_effort_and_rewrites_the_report(e2e, tmp_path):
    # The UI's "Only failed" toggle with downstream: the failed effort and run_outcome are cleared, the report and
    # the gates that passed are not.
    advance_main(e2e.remote, tmp_path / "clone")
    e2e.fail_file.write_text("10.2.4\n")
    run_id = e2e.api.trigger(DAG, {"efforts": ["10.1.1", "10.2.4"], "enforce_gates": False})
    assert wait_run(e2e, run_id) == "failed"
    assert report_row(e2e, run_id, "10.2.4")[3] == "failed"
    before = tis(e2e, run_id)
    e2e.fail_file.unlink()
    body = {
        "dry_run": False,
        "task_ids": ["wave_2.e10_2_4"],
        "dag_run_id": run_id,
        "include_downstream": True,
        "only_failed": True,
    }
    cleared = {
        ti["task_id"] for ti in e2e.api.call("POST", f"/dags/{DAG}/clearTaskInstances", json=body)["task_instances"]
    }
    assert {"wave_2.e10_2_4", "quality_gates.run_outcome"} <= cleared and "quality_gates.report" not in cleared
    assert wait_run(e2e, run_id) == "success"
    after = tis(e2e, run_id)
    assert after["quality_gates.report"]["try_number"] == before["quality_gates.report"]["try_number"]
    assert _t(after["quality_gates.run_outcome"]["start_date"]) >= _t(after["wave_2.e10_2_4"]["end_date"])
    assert report_row(e2e, run_id, "10.2.4")[3] == "succeeded"  # written again by run_outcome, from the new result


def test_sequential_runs_one_effort_at_a_time(e2e):
    run_id = e2e.api.trigger(DAG, {"efforts": ["10.1.1", "10.2.1", "10.2.2", "10.2.3"], "sequential": True})
    wait_run(e2e, run_id)
    ti = tis(e2e, run_id)
    # The turn is taken inside each task, so compare when each effort's work ended with when the next one's began:
    # the runner logs its start only after the wait, and its result carries the real start and end.
    spans = sorted(
        (_t(r["timing"]["started_at"]), _t(r["timing"]["finished_at"]))
        for r in (e2e.api.xcom(DAG, run_id, t) for t in WAVE2[:3])
    )
    assert {ti[t]["state"] for t in WAVE2[:3]} == {"success"}
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))


def test_preflight_reads_the_pool_through_the_api(e2e, monkeypatch):
    from waveflow.airflow.preflight_tasks import PreflightOperator

    monkeypatch.setenv("AIRFLOW_CONN_WAVEFLOW_API", e2e.stack.settings.env()["AIRFLOW_CONN_WAVEFLOW_API"])
    monkeypatch.setenv("WAVEFLOW_BACKEND", "local")  # as the stack runs it: efforts are never deferred
    check = PreflightOperator(task_id="agents", plan=e2e.plan, check="agents", base_ref="main", image="")
    pool = "/pools/waveflow-phase10"
    try:
        e2e.api.call("PATCH", pool, json={"pool": "waveflow-phase10", "slots": 3, "include_deferred": True})
        assert check.run_check().message.startswith("the plan runs 4 agents at once but pool waveflow-phase10 has 3")
        e2e.api.call("DELETE", pool)
        assert check.run_check().message.startswith("pool waveflow-phase10 does not exist")
    finally:
        e2e.stack.airflow("pools", "set", "waveflow-phase10", "4", "efforts at once")
    assert check.run_check().ok
    # Set that way, the pool does not count deferred tasks: enough for local efforts, not for pods.
    monkeypatch.setenv("WAVEFLOW_BACKEND", "kubernetes")
    assert "does not count deferred tasks" in check.run_check().message
    monkeypatch.setenv("WAVEFLOW_BACKEND", "local")
    wrong = {"conn_type": "http", "host": e2e.stack.settings.base_url, "login": "admin", "password": "not-it"}
    monkeypatch.setenv("AIRFLOW_CONN_WAVEFLOW_API", json.dumps(wrong))
    assert "could not log in (401)" in check.run_check().message


def test_the_execution_api_was_built_before_the_first_task(e2e):
    # Built on its first request, it held the first tasks of a fresh stack for seconds before the stack asked first.
    log = (e2e.stack.logs / "api-server.log").read_text(encoding="utf-8")
    warmed = log.find("path=/execution/health")
    first_task = log.find("path=/execution/task-instances/")
    assert warmed != -1 and first_task != -1
    assert warmed < first_task
