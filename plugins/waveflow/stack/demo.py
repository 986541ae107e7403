"""`make run` / `waveflow up`: Airflow on this machine, wave plans run on the local backend.

With no plan, the phase 10 demo against a generated demo repository. With plans (files of one directory, or the
directory), those plans, each against its own `repo:`. Sets up what is missing (Airflow home, database, a pool per
plan), starts the components, triggers a run of each plan, prints their progress, then leaves the UI up until Ctrl-C,
which stops every component (`--exit`: stop once the runs have ended, exit 1 if one failed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..airflow.dag_files import plan_files, sync
from ..airflow.loading import PlanImportError, load_valid_plan
from ..airflow.paths import PROJECT_ROOT, plans_dir
from ..airflow.pool import pool_name
from ..plan.load import PLAN_SUFFIXES
from ..plan.model import Plan
from .api import AirflowAPI
from .processes import Stack
from .progress import RunProgress, watch_all
from .settings import ADMIN, StackSettings

SHIPPED_PLANS = PROJECT_ROOT / "include" / "plans"
DEMO_PLAN = "phase10.yaml"
DAGS = PROJECT_ROOT / "dags"


def _say(text: str) -> None:
    print(text, flush=True)


class UsageError(Exception):
    """What was asked cannot be run; the message says why and what to do."""


@dataclass
class Selection:
    plans_dir: Path  # the directory Airflow reads plans from
    files: list[str]  # the plans in it to run now
    demo: bool  # the shipped plans: their efforts change the generated demo repository


def select(paths: Sequence[str]) -> Selection:
    """The plans to run: those named (files of one directory, or a directory), else the demo, or every plan of
    WAVEFLOW_PLANS_DIR when it names another directory."""
    if not paths:
        where = plans_dir().resolve()
        demo = where == SHIPPED_PLANS.resolve()
        files = [DEMO_PLAN] if demo else plan_files(where)
        if not files:
            raise UsageError(f"{where}: no plans (files ending in {', '.join(PLAN_SUFFIXES)})")
        return Selection(where, files, demo)
    dirs: dict[Path, list[str]] = {}
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            found = plan_files(path)
            if not found:
                raise UsageError(f"{raw}: no plans in this directory (files ending in {', '.join(PLAN_SUFFIXES)})")
            dirs.setdefault(path, []).extend(found)
        elif path.is_file():
            if path.suffix.lower() not in PLAN_SUFFIXES:
                raise UsageError(f"{raw}: not a plan file (a plan ends in {', '.join(PLAN_SUFFIXES)})")
            dirs.setdefault(path.parent, []).append(path.name)
        else:
            raise UsageError(f"{raw}: no such file or directory")
    if len(dirs) > 1:
        listed = ", ".join(str(d) for d in dirs)
        raise UsageError(f"the plans are in {len(dirs)} directories ({listed}): Airflow reads one, put them together")
    (where, files), = dirs.items()  # fmt: skip
    return Selection(where, sorted(set(files)), where == SHIPPED_PLANS.resolve())


def read_selected(selection: Selection) -> tuple[list[Plan], list[str]]:
    """The plans that can run, and a message for each that cannot (every problem with its `file:line`)."""
    plans, refused = [], []
    for name in selection.files:
        path = selection.plans_dir / name
        try:
            plan = load_valid_plan(path)
        except PlanImportError as exc:
            refused.append(str(exc))
            continue
        if not selection.demo and not (plan.repo or os.environ.get("WAVEFLOW_REPO_URL")):
            refused.append(f"{path}: no `repo`: name the git repository its efforts change (a URL or a path)")
            continue
        plans.append(plan)
    return plans, refused


def demo_remote(work: Path) -> Path:
    remote = work / "demo-remote.git"
    if not remote.exists():
        _say(f"== building the demo target repository: {remote}")
        subprocess.run(
            [sys.executable, str(PROJECT_ROOT / "include" / "demo" / "make_demo_repo.py"), str(remote)], check=True
        )
    return remote


def dags_folder(selection: Selection, work: Path) -> Path:
    """The shipped `dags/` for the shipped plans; for a user's plans a folder of their own under the work directory,
    so their DAG files never replace the checkout's."""
    if selection.demo:
        return DAGS
    folder = work / "dags"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DAGS / "waveflow_sync.py", folder / "waveflow_sync.py")
    return folder


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


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="waveflow up",
        description="Run wave plans on Airflow on this machine (LocalExecutor, local effort backend). With no PLAN: "
        "the phase 10 demo against a generated demo repository.",
    )
    p.add_argument("plans", nargs="*", metavar="PLAN", help="plan files of one directory, or that directory")
    p.add_argument("--port", type=int, default=int(os.environ.get("WAVEFLOW_PORT", "8080")), help="UI/API port")
    p.add_argument("--exit", action="store_true", help="stop once the runs have ended; exit 1 if one did not succeed")
    p.add_argument("--airflow-home", type=Path, default=PROJECT_ROOT / ".airflow", help="default: .airflow")
    p.add_argument("--work-dir", type=Path, default=PROJECT_ROOT / ".work", help="workspace, reports; default: .work")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    work = args.work_dir.resolve()
    try:
        selection = select(args.plans)
    except UsageError as exc:
        _say(f"waveflow up: {exc}")
        return 2
    plans, refused = read_selected(selection)
    for message in refused:
        _say(message)
    if not plans:
        _say("waveflow up: no plan can run")
        return 2
    if not _port_free(args.port):
        _say(f"port {args.port} is taken (another Airflow?): stop it or pass --port (WAVEFLOW_PORT)")
        return 1
    extra_env = {
        "WAVEFLOW_BACKEND": "local",
        "WAVEFLOW_PLANS_DIR": str(selection.plans_dir),
        "WAVEFLOW_WORKSPACE": str(work / "workspace"),
        "WAVEFLOW_REPORTS_DIR": str(work / "reports"),
    }
    if selection.demo:
        extra_env["WAVEFLOW_REPO_URL"] = str(demo_remote(work))
    settings = StackSettings(
        home=args.airflow_home.resolve(), port=args.port, dags_folder=dags_folder(selection, work), extra_env=extra_env
    )
    stack = Stack(settings)
    _stop_on_signals()
    try:
        _say(f"== Airflow home {settings.home} (SQLite, LocalExecutor, parallelism {settings.parallelism})")
        _say(f"== plans from {selection.plans_dir}: {', '.join(p.name for p in plans)}")
        stack.migrate()
        for plan in plans:
            stack.airflow("pools", "set", pool_name(plan), str(plan.parallel_agents), f"efforts of {plan.name} at once")
        sync(selection.plans_dir, settings.dags_folder / "plans")
        _say(f"== starting api-server, scheduler, dag-processor, triggerer (logs: {stack.logs})")
        stack.start()
        stack.wait_healthy()
        api = AirflowAPI(settings.base_url, ADMIN, settings.admin_password())
        runs = [run for plan in plans if (run := _start_run(api, settings, plan, len(plans) > 1))]
        states = watch_all(api, runs)
        for run in runs:
            _finish(api, run, states[run.plan.name])
        _say(f"   UI: {settings.base_url}  login: {ADMIN} / {settings.admin_password()}")
        ok = len(runs) == len(plans) and not refused and all(s == "success" for s in states.values())
        if args.exit:
            return 0 if ok else 1
        _say("   Airflow stays up; Ctrl-C stops every component.")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        _say("\n== stopping Airflow")
    finally:
        stack.stop()
        _say("== stopped")
    return 0


def _start_run(api: AirflowAPI, settings: StackSettings, plan: Plan, prefixed: bool) -> RunProgress | None:
    """Unpause and trigger the plan's DAG; None (said why) when Airflow could not load it."""
    say = (lambda text: _say(f"[{plan.name}] {text}")) if prefixed else _say
    try:
        was_paused = api.wait_for_dag(plan.name)["is_paused"]
    except TimeoutError as exc:
        say(f"not loaded: {exc}")
        return None
    api.unpause(plan.name)
    run_id = _nightly_started(api, plan.name) if was_paused and plan.schedule else None
    if run_id:
        say(f"== unpausing started the latest scheduled run (catchup=False runs the most recent one): {run_id}")
    else:
        run_id = api.trigger(plan.name)
        say(f"== triggered {plan.name} run {run_id}")
    say(f"   follow it in the UI: {settings.base_url}/dags/{plan.name}/runs/{run_id}")
    return RunProgress(plan, run_id, say)


def _nightly_started(api: AirflowAPI, dag_id: str, wait: float = 30) -> str | None:
    """The scheduled run Airflow creates when a scheduled DAG is first unpaused, if it does within `wait` seconds."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        runs = api.call(
            "GET", f"/dags/{dag_id}/dagRuns", params={"run_type": "scheduled", "state": ["queued", "running"]}
        )
        if runs["dag_runs"]:
            return str(runs["dag_runs"][0]["dag_run_id"])
        time.sleep(1)
    return None


def _finish(api: AirflowAPI, run: RunProgress, state: str) -> None:
    run.say(f"== run {run.run_id} finished: {state.upper()}")
    try:
        report = api.xcom(run.plan.name, run.run_id, "quality_gates.report")
        run.say(f"   report: {report.get('html')}  (markdown: {report.get('markdown')})")
    except RuntimeError as exc:
        run.say(f"   no report: {exc}")


if __name__ == "__main__":
    sys.exit(main())
