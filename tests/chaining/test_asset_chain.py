"""Two one-effort plans chained by the `landed` asset, through Airflow's own scheduler.

`foundation` builds the demo's test framework (10.1.1); `integration` follows it and is scheduled on its asset only.
Its effort (10.2.1) imports that framework, so it passes only once 10.1.1 is merged into `main`, which is what its
preflight checks. The stack is this test's own: SQLite, LocalExecutor, a free port, temporary folders.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from support.polling import wait_run, wait_until
from support.postgres import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 600
FOUNDATION_BRANCH = "feature/chain/framework"
LANDED = "waveflow://foundation/landed"
T = TypeVar("T")

COMMON = """\
backend: local
schedule: null
defaults:
  commands: {implement: ["python3", "tools/apply_effort.py"], test: ["make", "test"]}
  retries: 0
  timeout_minutes: 10
gates:
  - {metric: PR Size, target: "<800 lines", measurement: Line counter}
"""
# Foundation's one wave is planned to take at most 0.001 h (3.6 s), which its run overruns: a deadline alert.
FOUNDATION = f"""\
name: foundation
waves: [{{number: 1, name: Only, duration: {{min_hours: 0, max_hours: 0.001}}}}]
{COMMON}efforts:
  - id: "10.1.1"
    name: E2E Test Framework
    wave: 1
    branch: {FOUNDATION_BRANCH}
    agent: Agent-1
    ports: {{start: 30000, end: 30099}}
"""
INTEGRATION = f"""\
name: integration
follows: foundation
schedule_on_previous: true
waves: [{{number: 1, name: Only}}]
{COMMON}efforts:
  - id: "10.2.1"
    name: Integration Test Suite
    wave: 1
    branch: feature/chain/integration
    agent: Agent-1
    ports: {{start: 30100, end: 30199}}
"""


@dataclass
class Chain:
    api: Any
    remote: Path
    reports: Path

    def until(self, what: str, probe: Callable[[], T | None]) -> T:
        value: T = wait_until(what, probe, RUN_TIMEOUT, interval=2, done=lambda v: v is not None)
        return value

    def wait_run(self, dag_id: str, run_id: str) -> str:
        return wait_run(self.api, dag_id, run_id, RUN_TIMEOUT)

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        return list(self.api.call("GET", f"/dags/{dag_id}/dagRuns", params={"order_by": "run_after"})["dag_runs"])

    def wait_first_run(self, dag_id: str) -> dict[str, Any]:
        return self.until(f"a run of {dag_id}", lambda: next(iter(self.runs(dag_id)), None))

    def states(self, dag_id: str, run_id: str) -> dict[str, str]:
        return {ti["task_id"]: ti["state"] for ti in self.api.task_instances(dag_id, run_id)}

    def asset_events(self, path: str, **params: str) -> list[dict[str, Any]]:
        """Airflow 3.3 answers 500 while a run an event created is queued without a start date (apache/airflow#71360):
        ask again until that run has started."""

        def served() -> list[dict[str, Any]] | None:
            try:
                return list(self.api.call("GET", path, params=params)["asset_events"])
            except RuntimeError as exc:
                if ": 500 " not in str(exc):
                    raise
                return None

        return self.until(f"{path} to be served", served)

    def landed_events(self) -> list[dict[str, Any]]:
        return [e for e in self.asset_events("/assets/events", source_dag_id="foundation") if e["uri"] == LANDED]

    def task_log(self, dag_id: str, run_id: str, task_id: str) -> str:
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/1"
        return str(self.api.call("GET", path, params={"full_content": True}))


def status_text(chain: Chain, dag_id: str, run_id: str) -> str:
    return (chain.reports / dag_id / run_id / "status.log").read_text()


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def chain() -> Iterator[Chain]:
    from waveflow.airflow.dag_files import sync
    from waveflow.stack.api import AirflowAPI
    from waveflow.stack.processes import Stack
    from waveflow.stack.settings import ADMIN, StackSettings

    base = Path(tempfile.mkdtemp(prefix="waveflow-chain-"))
    remote = base / "demo-remote.git"
    subprocess.run([sys.executable, str(REPO / "include" / "demo" / "make_demo_repo.py"), str(remote)], check=True)
    plans, dags = base / "plans", base / "dags"
    plans.mkdir()
    (plans / "foundation.yaml").write_text(FOUNDATION, encoding="utf-8")
    (plans / "integration.yaml").write_text(INTEGRATION, encoding="utf-8")
    sync(plans, dags)
    settings = StackSettings(
        home=base / "airflow",
        port=free_port(),
        parallelism=2,
        extra_env={
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "WAVEFLOW_PLANS_DIR": str(plans),
            "WAVEFLOW_BACKEND": "local",
            "WAVEFLOW_REPO_URL": str(remote),
            "WAVEFLOW_WORKSPACE": str(base / "workspace"),
            "WAVEFLOW_REPORTS_DIR": str(base / "reports"),
            # Only foundation has a planned wave duration, so only its DAG carries a deadline (integration's run
            # is cleared below, which a DAG with deadlines cannot be in Airflow 3.3: apache/airflow#70368).
            "WAVEFLOW_DEADLINES": "on",
        },
    )
    stack = Stack(settings)
    stack.migrate()
    for plan in ("foundation", "integration"):
        stack.airflow("pools", "set", f"waveflow-{plan}", "1", "efforts at once")
    stack.start()
    artifacts = REPO / "test-artifacts"
    try:
        stack.wait_healthy()
        api = AirflowAPI(settings.base_url, ADMIN, settings.admin_password())
        for plan in ("foundation", "integration"):
            api.wait_for_dag(plan)
            api.unpause(plan)
        yield Chain(api, remote, base / "reports")
    finally:
        stack.stop()
        artifacts.mkdir(exist_ok=True)
        for log in stack.logs.glob("*.log"):
            (artifacts / f"chain-{log.name}").write_bytes(log.read_bytes()[-200_000:])


def merge_into_main(remote: Path, branch: str, work: Path) -> None:
    """What a person does when the phase's PRs are approved."""
    git("clone", "-q", str(remote), str(work))
    git("-c", "user.name=t", "-c", "user.email=t@e", "merge", "-q", "--no-edit", f"origin/{branch}", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)


def test_a_landed_phase_starts_the_phase_that_follows_it(chain, tmp_path):
    landed = chain.api.trigger("foundation")
    assert chain.wait_run("foundation", landed) == "success"
    events = chain.landed_events()
    assert [e["source_run_id"] for e in events] == [landed]
    assert events[0]["extra"]["branches"] == [FOUNDATION_BRANCH]
    status = (chain.reports / "foundation" / landed / "status.log").read_text()
    assert f"phase landed asset={LANDED}" in status
    # The wave ran past its planned 3.6 s: the scheduler found the deadline missed and the triggerer ran the alert.
    chain.until(
        "the wave deadline alert",
        lambda: "wave overrun wave=1 planned_hours=0.001" in status_text(chain, "foundation", landed) or None,
    )

    # Started by the asset alone (its plan has no cron), and it starts at once: the branch is not merged yet.
    run = chain.wait_first_run("integration")
    assert run["run_type"] == "asset_triggered"
    upstream = chain.asset_events(f"/dags/integration/dagRuns/{run['dag_run_id']}/upstreamAssetEvents")
    assert [e["source_run_id"] for e in upstream] == [landed]
    assert chain.wait_run("integration", run["dag_run_id"]) == "failed"
    states = chain.states("integration", run["dag_run_id"])
    assert states["preflight.previous_phase"] == "failed"
    assert states["wave_1.e10_2_1"] == "upstream_failed"
    log = chain.task_log("integration", run["dag_run_id"], "preflight.previous_phase")
    assert f"foundation: not merged into main: {FOUNDATION_BRANCH}; merge those first" in log

    merge_into_main(chain.remote, FOUNDATION_BRANCH, tmp_path / "reviewer")
    body = {"dry_run": False, "dag_run_id": run["dag_run_id"], "only_failed": True, "include_downstream": True}
    chain.api.call("POST", "/dags/integration/clearTaskInstances", json=body)
    assert chain.wait_run("integration", run["dag_run_id"]) == "success"
    assert chain.states("integration", run["dag_run_id"])["wave_1.e10_2_1"] == "success"
    assert len(chain.runs("integration")) == 1
