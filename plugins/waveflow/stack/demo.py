"""`make run`: Airflow on this machine, the phase 10 plan on the local backend against a generated demo repository.

Sets up what is missing (Airflow home, database, pool, demo remote), starts the components, triggers a run, prints its
progress, then leaves the UI up until Ctrl-C, which stops every component.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..airflow.dag_files import sync
from ..airflow.paths import PROJECT_ROOT, plans_dir
from ..airflow.pool import pool_name
from ..plan.load import read_plan
from .api import AirflowAPI
from .processes import Stack
from .progress import watch
from .settings import ADMIN, StackSettings

PLAN_FILE = "phase10.yaml"


def _say(text: str) -> None:
    print(text, flush=True)


def demo_remote(work: Path) -> Path:
    remote = work / "demo-remote.git"
    if not remote.exists():
        _say(f"== building the demo target repository: {remote}")
        subprocess.run(
            [sys.executable, str(PROJECT_ROOT / "include" / "demo" / "make_demo_repo.py"), str(remote)], check=True
        )
    return remote


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _stop_on_signals() -> None:
    def interrupt(signum: int, frame: Any) -> None:
        # Only the first: a second Ctrl-C while the components stop would cut the stop short and leave them running
        # (the stop ends within its grace period anyway).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def main() -> int:
    work = PROJECT_ROOT / ".work"
    port = int(os.environ.get("WAVEFLOW_PORT", "8080"))
    if not _port_free(port):
        _say(f"port {port} is taken (another Airflow?): stop it or set WAVEFLOW_PORT")
        return 1
    plan = read_plan(plans_dir() / PLAN_FILE)
    settings = StackSettings(
        home=PROJECT_ROOT / ".airflow",
        port=port,
        extra_env={
            "WAVEFLOW_BACKEND": "local",
            "WAVEFLOW_REPO_URL": str(demo_remote(work)),
            "WAVEFLOW_WORKSPACE": str(work / "workspace"),
            "WAVEFLOW_REPORTS_DIR": str(work / "reports"),
        },
    )
    os.environ.update(settings.extra_env)
    stack = Stack(settings)
    _stop_on_signals()
    try:
        _say(f"== Airflow home {settings.home} (SQLite, LocalExecutor, parallelism {settings.parallelism})")
        stack.migrate()
        stack.airflow("pools", "set", pool_name(plan), str(plan.agents), f"efforts of {plan.name} at once")
        sync(plans_dir(), PROJECT_ROOT / "dags" / "plans")
        _say(f"== starting api-server, scheduler, dag-processor, triggerer (logs: {stack.logs})")
        stack.start()
        stack.wait_healthy()
        api = AirflowAPI(settings.base_url, ADMIN, settings.admin_password())
        was_paused = api.wait_for_dag(plan.name)["is_paused"]
        api.unpause(plan.name)
        run_id = _nightly_started(api, plan.name) if was_paused else None
        if run_id:
            _say(f"== unpausing started the latest nightly run (catchup=False runs the most recent night): {run_id}")
        else:
            run_id = api.trigger(plan.name)
            _say(f"== triggered {plan.name} run {run_id}")
        _say(f"   follow it in the UI: {settings.base_url}/dags/{plan.name}/runs/{run_id}")
        state = watch(api, plan, run_id, _say)
        _finish(api, settings, plan.name, run_id, state)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        _say("\n== stopping Airflow")
    finally:
        stack.stop()
        _say("== stopped")
    return 0


def _nightly_started(api: AirflowAPI, dag_id: str, wait: float = 30) -> str | None:
    """The scheduled run Airflow creates when a nightly DAG is first unpaused, if it does within `wait` seconds."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        runs = api.call(
            "GET", f"/dags/{dag_id}/dagRuns", params={"run_type": "scheduled", "state": ["queued", "running"]}
        )
        if runs["dag_runs"]:
            return str(runs["dag_runs"][0]["dag_run_id"])
        time.sleep(1)
    return None


def _finish(api: AirflowAPI, settings: StackSettings, dag_id: str, run_id: str, state: str) -> None:
    _say(f"== run {run_id} finished: {state.upper()}")
    try:
        report = api.xcom(dag_id, run_id, "quality_gates.report")
        _say(f"   report: {report.get('html')}  (markdown: {report.get('markdown')})")
    except RuntimeError as exc:
        _say(f"   no report: {exc}")
    _say(f"   UI: {settings.base_url}  login: {ADMIN} / {settings.admin_password()}")
    _say("   Airflow stays up; Ctrl-C stops every component.")


if __name__ == "__main__":
    sys.exit(main())
