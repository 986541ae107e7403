"""`resolve_conflicts: person` through the real scheduler: two plans whose sibling efforts both write `shared.txt`.
The wave's integration stops at the conflict with its branch pushed; Airflow's approval task waits for a person
(awaiting input) and shows the conflict; the person resolves it in a clone of their own and approves through the REST
API, and the integration goes on from their commit; the other plan's person rejects, and that run fails saying so."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from support.polling import wait_run, wait_until
from support.postgres import free_port, pg_bin, postgres_cluster
from support.repos import bare_repository, git

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Each effort writes its own line into shared.txt (so siblings conflict) and a file of its own.
IMPLEMENT = """
import os, pathlib
effort = os.environ["WAVEFLOW_EFFORT"]
pathlib.Path("shared.txt").write_text(f"from {effort}\\n")
pathlib.Path(f"own-{effort}.txt").write_text(effort + "\\n")
"""
# The integration's test: the merged tree holds both efforts' files and no conflict marker.
MERGED = """
import pathlib, sys
text = pathlib.Path("shared.txt").read_text()
sys.exit(0 if len(list(pathlib.Path().glob("own-*.txt"))) == 2 and "<<<<<<<" not in text else 1)
"""
WAVE_BRANCH = "waveflow/{plan}/integration-wave-1"


def plan(name: str, repo: Path) -> str:
    return yaml.safe_dump({
        "name": name, "repo": str(repo), "backend": "local", "schedule": None,
        "defaults": {"commands": {"implement": ["python3", "-c", IMPLEMENT], "test": ["python3", "-c", "pass"]}},
        "integration": {"resolve_conflicts": "person", "test": ["python3", "-c", MERGED]},
        "waves": [{"number": 1, "name": "Both"}],
        "efforts": [
            {"id": "1.1", "name": "A", "wave": 1, "branch": f"{name}/a", "agent": "Agent-1", "brief": "Write A"},
            {"id": "1.2", "name": "B", "wave": 1, "branch": f"{name}/b", "agent": "Agent-2", "brief": "Write B"},
        ],
    })  # fmt: skip


def states(api, dag_id: str, run_id: str) -> dict[str, str]:
    return {t["task_id"]: t["state"] for t in api.task_instances(dag_id, run_id)}


def resolve_as_a_person(root: Path, repo: Path, branch: str, theirs: str) -> str:
    """What the approval's text says to do, by hand: merge the branch that conflicted, keep both lines, push."""
    clone = root / "person"
    git("clone", "-q", str(repo), str(clone))
    git("checkout", "-q", branch, cwd=clone)
    merged = subprocess.run(["git", "merge", f"origin/{theirs}"], cwd=clone, capture_output=True, text=True)
    assert merged.returncode != 0 and "shared.txt" in merged.stdout
    (clone / "shared.txt").write_text("from 1.1\nfrom 1.2\n")
    git("add", "shared.txt", cwd=clone)
    git("-c", "user.name=Person", "-c", "user.email=p@example.org", "commit", "-qm", "Keep both lines", cwd=clone)
    git("push", "-q", "origin", branch, cwd=clone)
    return git("rev-parse", "HEAD", cwd=clone).strip()


def test_a_person_resolves_the_conflict_and_approves_or_rejects_through_the_rest_api():
    if pg_bin() is None:
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    # Postgres, as the other end-to-end stacks: on SQLite a request racing the tasks' own writes can find the
    # database locked, which no deployment of more than one component runs on.
    with postgres_cluster() as database:
        approve_and_reject(database)


def approve_and_reject(database: str) -> None:
    from waveflow.airflow.dag_files import sync
    from waveflow.airflow.pool import pool_name
    from waveflow.plan.load import read_plan
    from waveflow.stack.api import AirflowAPI
    from waveflow.stack.processes import Stack
    from waveflow.stack.settings import ADMIN, StackSettings

    root = Path(tempfile.mkdtemp(prefix="waveflow-person-"))
    plans = root / "plans"
    plans.mkdir()
    repos = {name: bare_repository(root, name, {"README": "base\n"}) for name in ("approved", "rejected")}
    for name, repo in repos.items():
        (plans / f"{name}.yaml").write_text(plan(name, repo))
    dags = root / "dags"
    sync(plans, dags / "plans")
    settings = StackSettings(
        home=root / "airflow",
        port=free_port(),
        database_url=database,
        dags_folder=dags,
        extra_env={
            "WAVEFLOW_BACKEND": "local",
            "WAVEFLOW_PLANS_DIR": str(plans),
            "WAVEFLOW_WORKSPACE": str(root / "workspace"),
            "WAVEFLOW_REPORTS_DIR": str(root / "reports"),
            "AIRFLOW__CORE__DEFAULT_TASK_RETRY_DELAY": "2",
        },
    )
    stack = Stack(settings)
    stack.migrate()
    for name in repos:
        stack.airflow("pools", "set", pool_name(read_plan(plans / f"{name}.yaml")), "2", "efforts at once")
    stack.start()
    try:
        stack.wait_healthy()
        api = AirflowAPI(settings.base_url, ADMIN, settings.admin_password())
        runs = {}
        for name in repos:
            api.wait_for_dag(name)
            api.unpause(name)
            runs[name] = api.trigger(name)
        approval = "wave_1.resolve_conflict"
        for name, run_id in runs.items():
            waiting = f"{name}: the approval awaiting input"
            wait_until(waiting, lambda n=name, r=run_id: states(api, n, r)[approval] == "awaiting_input")
            assert states(api, name, run_id)["wave_1.integrate"] == "success"
        hitl = f"/dags/approved/dagRuns/{runs['approved']}/taskInstances/{approval}/-1/hitlDetails"
        shown = api.call("GET", hitl)
        body = shown["body"]
        assert "shared.txt" in body and "1.1 (approved/a)" in body and "1.2 (approved/b)" in body, body
        assert shown["options"] == ["Approve", "Reject"] and not shown["response_received"]

        branch = WAVE_BRANCH.format(plan="approved")
        pushed = resolve_as_a_person(root, repos["approved"], branch, "approved/b")
        api.call("PATCH", hitl, json={"chosen_options": ["Approve"], "params_input": {}})
        rejected = f"/dags/rejected/dagRuns/{runs['rejected']}/taskInstances/{approval}/-1/hitlDetails"
        api.call("PATCH", rejected, json={"chosen_options": ["Reject"], "params_input": {}})

        ended = {name: wait_run(api, name, run_id) for name, run_id in runs.items()}
        assert ended == {"approved": "success", "rejected": "failed"}, ended

        # Approved: the integration went on from the person's commit, merged and tested the whole, and advanced.
        assert states(api, "approved", runs["approved"])["wave_1.integrate_resolved"] == "success"
        bare = str(repos["approved"])
        heads = [pushed, *(git("--git-dir", bare, "rev-parse", f"approved/{e}") for e in "ab")]
        for head in heads:
            assert "waveflow/approved/integration" in git("--git-dir", bare, "branch", "--contains", head.strip())
        assert git("--git-dir", bare, "show", f"{branch}:shared.txt").splitlines() == ["from 1.1", "from 1.2"]
        report = (root / "reports" / "approved" / runs["approved"] / "report.md").read_text()
        assert "shared.txt: 1.1 (approved/a) and 1.2 (approved/b), resolved by a person (admin)" in report, report

        # Rejected: the approval failed, the integration after it never ran, and the run says why.
        after = states(api, "rejected", runs["rejected"])
        assert after[approval] == "failed" and after["wave_1.integrate_resolved"] == "upstream_failed"
        report = (root / "reports" / "rejected" / runs["rejected"] / "report.md").read_text()
        assert "left for a person, not resolved" in report and "approval was rejected or timed out" in report, report
        assert git("--git-dir", str(repos["rejected"]), "branch", "--list", "waveflow/rejected/integration") == ""
    finally:
        stack.stop()
        artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        for log in stack.logs.glob("*.log"):
            (artifacts / f"person-{log.name}").write_bytes(log.read_bytes()[-200_000:])
        shutil.rmtree(root, ignore_errors=True)
