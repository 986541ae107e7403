"""One Airflow of the chaos tests' own (api-server, scheduler, dag-processor, triggerer on Postgres, local backend),
with a plan and a bare remote per scenario, so the faults one test injects cannot disturb another's run."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.polling import wait_run, wait_until
from support.postgres import pg_bin

from chaos.chaos_plans import RETRY_DELAY_SECONDS, new_remote, plan_yaml
from chaos.local_stack import local_stack

REPO = Path(__file__).resolve().parents[2]
# The Kubernetes API emulator and pod rendering helpers live with the pod backend's tests.
sys.path.insert(0, str(REPO / "tests" / "airflow"))
# name -> (waves, retries, merged): one plan per scenario.
PLANS: dict[str, tuple[dict[int, list[str]], int, bool]] = {
    "chaos_scheduler": ({1: ["1.1"], 2: ["2.1", "2.2"]}, 2, False),
    "chaos_runner": ({1: ["1.1"]}, 2, False),
    "chaos_outage": ({1: ["1.1"]}, 3, False),
    "chaos_remote_gone": ({1: ["1.1"]}, 2, False),
    "chaos_triggerer": ({1: ["1.1"], 2: ["2.1"]}, 1, True),
}


@dataclass
class Chaos:
    stack: Any
    api: Any
    base: Path
    markers: Path
    reports: Path

    def record(self, scenario: str, **facts: Any) -> None:
        """What a fault did, one JSON line per scenario in test-artifacts/ (docs/reliability.md quotes them)."""
        with (REPO / "test-artifacts" / "chaos-figures.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps({"scenario": scenario, **facts}) + "\n")

    def xcom(self, plan: str, run_id: str, task: str) -> Any:
        return self.api.xcom(plan, run_id, task)

    def remote(self, plan: str) -> Path:
        return self.base / "remotes" / f"{plan}.git"

    def hold(self, plan: str, effort: str) -> Path:
        path = self.markers / f"{plan}.{effort}.hold"
        path.touch()
        return path

    def started(self, plan: str, effort: str) -> list[Path]:
        return sorted(self.markers.glob(f"{plan}.{effort}.started.*"), key=lambda p: p.stat().st_mtime)

    def trigger(self, plan: str) -> str:
        return str(self.api.trigger(plan, {"enforce_gates": False}))

    def tis(self, plan: str, run_id: str) -> dict[str, dict[str, Any]]:
        return {ti["task_id"]: ti for ti in self.api.task_instances(plan, run_id)}

    def tries(self, plan: str, run_id: str, task: str) -> list[dict[str, Any]]:
        path = f"/dags/{plan}/dagRuns/{run_id}/taskInstances/{task}/tries"
        return list(self.api.call("GET", path)["task_instances"])

    def log(self, plan: str, run_id: str, task: str, try_number: int) -> str:
        path = f"/dags/{plan}/dagRuns/{run_id}/taskInstances/{task}/logs/{try_number}"
        return json.dumps(self.api.call("GET", path, params={"full_content": True}))

    def wait(self, what: str, ready: Callable[[], Any], timeout: float = 300) -> Any:
        return wait_until(what, ready, timeout)

    def wait_run(self, plan: str, run_id: str, timeout: float = 600) -> str:
        return wait_run(self.api, plan, run_id, timeout)


# Package scope: the stack stops after the last chaos test, not at the end of the whole session.
@pytest.fixture(scope="package")
def chaos() -> Iterator[Chaos]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL (Debian package postgresql) is not installed")
    base = Path(tempfile.mkdtemp(prefix="waveflow-chaos-"))
    markers = base / "markers"
    markers.mkdir()
    (base / "remotes").mkdir()
    plans = {
        f"{name}.yaml": plan_yaml(name, new_remote(base / "remotes" / f"{name}.git"), waves, retries, merged)
        for name, (waves, retries, merged) in PLANS.items()
    }
    env = {
        "AIRFLOW__CORE__DEFAULT_TASK_RETRY_DELAY": str(RETRY_DELAY_SECONDS),
        # Tasks a SIGKILLed scheduler had queued are reset by the next scheduler's orphan check: every 300 s by
        # default, which would make the scheduler scenario wait five minutes for Airflow's timer alone.
        "AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL": "15",
        "CHAOS_MARKERS": str(markers),
    }
    with local_stack(base, plans, env) as (stack, api):
        yield Chaos(stack, api, base, markers, base / "reports")
