"""Phase 10 on the CeleryExecutor with two workers that share only the git remote and the reports directory, through
Airflow's own scheduler; then one worker dies in the middle of an effort and the other finishes it."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from support.polling import wait_run

from waveflow.plan.model import task_id

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DAG = "phase10"
RUN_TIMEOUT = 600
STAMP = re.compile(r"^\S+Z ")
EFFORT = "10.2.1"  # two iterations: its first draft fails a test, the second fixes it
EFFORT_TASK = "wave_2.e10_2_1"
EFFORT_BRANCH = "feature/tmc-completion/p10w2-integration-tests"
# The gates are judged and reported, but do not fail the run: two workers' tests share this machine's cores, which the
# benchmark-stability gate may see.
CONF = {"enforce_gates": False}


def git(remote: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(remote), *args], check=check, capture_output=True, text=True)


def effort_tasks(celery_e2e: Any) -> dict[str, str]:
    return {f"wave_{e.wave}.{task_id(e.id)}": e.id for e in celery_e2e.plan.efforts}


def local_path(where: str) -> Path:
    """A report's location as the report task gives it: a path, or a `file://` URL of object storage."""
    return Path(where.removeprefix("file://"))


def status_events(report_html: Path) -> list[str]:
    lines = (report_html.parent / "status.log").read_text(encoding="utf-8").splitlines()
    assert all(STAMP.match(line) for line in lines), lines
    return [STAMP.sub("", line) for line in lines]


def test_phase10_runs_on_both_workers_and_reports_in_the_shared_directory(celery_e2e):
    api, plan = celery_e2e.api, celery_e2e.plan
    run_id = api.trigger(DAG, CONF)
    assert wait_run(api, DAG, run_id, RUN_TIMEOUT) == "success"
    tis = {ti["task_id"]: ti for ti in api.task_instances(DAG, run_id)}
    names = {w.name for w in celery_e2e.workers}
    efforts = effort_tasks(celery_e2e)
    assert {tis[t]["state"] for t in efforts} == {"success"}
    # Every task ran on a Celery worker (none in the scheduler), and the efforts on both.
    assert {ti["hostname"] for ti in tis.values() if ti["state"] == "success"} <= names
    assert {tis[t]["hostname"] for t in efforts} == names
    # Each effort did its work in this run, in the workspace of the worker that ran it: nothing was memoized, and
    # only that worker's workspace holds its worktree.
    for task, effort in efforts.items():
        result = api.xcom(DAG, run_id, task)
        assert result["status"] == "succeeded" and not result["memoized"], effort
        holders = [w.name for w in celery_e2e.workers if (w.workspace / plan.effort(effort).worktree).is_dir()]
        assert holders == [tis[task]["hostname"]], effort
    report = api.xcom(DAG, run_id, "quality_gates.report")
    html = local_path(report["html"])
    assert html.is_relative_to(celery_e2e.reports)
    text = html.read_text(encoding="utf-8")
    assert all(effort in text for effort in efforts.values())
    assert all(effort in local_path(report["markdown"]).read_text(encoding="utf-8") for effort in efforts.values())
    # The status log, appended by tasks on both workers, has every step of the run.
    events = status_events(html)
    assert [e for e in events if e.startswith("wave ")] == [
        "wave started wave=1",
        "wave complete wave=1",  # said by the landing sensor between the waves: the last wave has none
        "wave started wave=2",
    ]
    for effort in efforts.values():
        assert len([e for e in events if e.startswith(f"effort started effort={effort} ")]) == 1, effort
        finished = [e for e in events if e.startswith(f"effort finished effort={effort} ")]
        assert len(finished) == 1 and "outcome=succeeded" in finished[0], effort
    assert len([e for e in events if e.startswith("gate metric=")]) == len(plan.gates)
    assert events[-1].startswith("run finished outcome=succeeded ")


def _forget(remote: Path, branch: str) -> None:
    """Drop the effort's branch from the remote, so the next run does its work again instead of returning its
    recorded result."""
    git(remote, "update-ref", "-d", f"refs/heads/{branch}")


def _kill_machine(stack: Any, worker: str) -> None:
    """SIGKILL the worker and everything it started, as the machine's death would: its process group, and the effort
    runners, which run in sessions of their own (an on_kill must be able to end them, not their task's worker)."""
    root = psutil.Process(stack.procs[worker].pid)
    descendants = root.children(recursive=True)
    for proc in [root, *descendants]:
        proc.suspend()  # nothing of it may act (push, record) between the first kill and the last
    for proc in descendants:
        proc.kill()
    stack.kill(worker)  # the worker's process group, reaped
    _, alive = psutil.wait_procs(descendants, timeout=15)
    assert all(proc.status() == psutil.STATUS_ZOMBIE for proc in alive), alive


def test_a_worker_killed_mid_effort_the_other_resumes_its_branch(celery_e2e):
    api, remote = celery_e2e.api, celery_e2e.remote
    _forget(remote, EFFORT_BRANCH)
    run_id = api.trigger(DAG, {"efforts": ["10.1.1", EFFORT], **CONF})
    # The first iteration's commit reaches the remote (its test failed, so a second iteration follows): kill the
    # worker running the effort then.
    deadline = time.monotonic() + RUN_TIMEOUT
    while (pushed := git(remote, "rev-parse", "--verify", "-q", EFFORT_BRANCH, check=False)).returncode != 0:
        assert time.monotonic() < deadline, "the first iteration was never pushed"
        time.sleep(0.2)
    first_push = pushed.stdout.strip()
    ti = next(t for t in api.task_instances(DAG, run_id) if t["task_id"] == EFFORT_TASK)
    assert ti["state"] == "running" and ti["try_number"] == 1, ti
    victim = ti["hostname"]
    _kill_machine(celery_e2e.stack, victim)
    survivor = next(w.name for w in celery_e2e.workers if w.name != victim)

    assert wait_run(api, DAG, run_id, RUN_TIMEOUT) == "success"
    tis = {t["task_id"]: t for t in api.task_instances(DAG, run_id)}
    # Airflow's own handling: the lost heartbeat failed the first try, the retry ran on the surviving worker.
    assert tis[EFFORT_TASK]["state"] == "success"
    assert tis[EFFORT_TASK]["try_number"] == 2 and tis[EFFORT_TASK]["hostname"] == survivor
    tries = api.call("GET", f"/dags/{DAG}/dagRuns/{run_id}/taskInstances/{EFFORT_TASK}/tries")
    first = next(t for t in tries["task_instances"] if t["try_number"] == 1)
    assert (first["state"], first["hostname"]) == ("failed", victim)
    result = api.xcom(DAG, run_id, EFFORT_TASK)
    assert result["status"] == "succeeded" and not result["memoized"]
    # The branch kept the commit pushed before the kill and has each iteration's commit once, all of this run.
    head = git(remote, "rev-parse", EFFORT_BRANCH).stdout.strip()
    assert git(remote, "merge-base", "--is-ancestor", first_push, head, check=False).returncode == 0
    base = result["base_commit"]
    log = git(remote, "log", "--format=%H%x00%s%x00%(trailers:key=Waveflow-Iteration,valueonly,separator=)%x00"
              "%(trailers:key=Waveflow-Run,valueonly,separator=)", f"{base}..{head}").stdout  # fmt: skip
    commits = [line.split("\0") for line in log.splitlines()]
    assert [c[2] for c in reversed(commits)] == ["1", "2"], commits
    assert len({c[1] for c in commits}) == len(commits)
    assert {c[3] for c in commits} == {run_id}
    assert commits[-1][0] == first_push
    note = git(remote, "notes", "--ref=refs/notes/waveflow", "show", head).stdout
    assert '"succeeded"' in note and run_id in note
    # The status log tells the same story: the effort started twice and finished once, successfully.
    events = status_events(local_path(api.xcom(DAG, run_id, "quality_gates.report")["html"]))
    assert len([e for e in events if e.startswith(f"effort started effort={EFFORT} ")]) == 2
    (finished,) = [e for e in events if e.startswith(f"effort finished effort={EFFORT} ")]
    assert "outcome=succeeded" in finished
