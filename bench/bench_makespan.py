"""Phase 10 through Airflow's own scheduler (api-server, scheduler, dag-processor, triggerer on this machine, the local
backend, the demo repository): the run's makespan against the plan's critical path.

Every effort of the demo takes at least WAVEFLOW_DEMO_SLEEP seconds (its implement step sleeps; then its tests run).
The baseline is measured in the same run: each effort's own duration, from the runner's timing in its XCom result,
summed along the plan's longest dependency chain. Target: makespan <= critical path x 1.10 + 5 s per wave boundary.
Also shown: where the overhead goes, and the memory (PSS) of each component during the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import benchenv  # noqa: F401  (before Airflow: a throwaway Airflow home for this process)
from pss import PssSampler

from waveflow.airflow.factory import pool_name
from waveflow.airflow.paths import PROJECT_ROOT, plans_dir
from waveflow.plan.load import read_plan
from waveflow.plan.model import Plan, task_id
from waveflow.stack.api import AirflowAPI
from waveflow.stack.processes import Stack
from waveflow.stack.settings import ADMIN, StackSettings

EFFORT_SECONDS = os.environ.get("WAVEFLOW_BENCH_EFFORT_SECONDS", "20")
SLACK, PER_BOUNDARY_S = 1.10, 5.0
RUN_TIMEOUT_S = 900
POLL_S = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _t(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def start_run(api: AirflowAPI, dag_id: str) -> str:
    """The run Airflow starts when a nightly DAG is first unpaused (with catchup=False, the latest night), as in
    `make run`; a triggered one if none shows up."""
    api.unpause(dag_id)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        runs = api.call("GET", f"/dags/{dag_id}/dagRuns")["dag_runs"]
        if runs:
            return str(runs[0]["dag_run_id"])
        time.sleep(1)
    return api.trigger(dag_id)


def follow(api: AirflowAPI, dag_id: str, run_id: str, sampler: PssSampler) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        sampler.sample()
        run = api.run(dag_id, run_id)
        if run["state"] in ("success", "failed"):
            return run
        time.sleep(POLL_S)
    raise TimeoutError(f"run {run_id} did not finish in {RUN_TIMEOUT_S} s")


def critical_path(plan: Plan, seconds: dict[str, float]) -> tuple[float, list[str]]:
    """The longest chain of dependencies, weighted by each effort's measured duration."""
    best: dict[str, tuple[float, list[str]]] = {}
    for effort in sorted(plan.efforts, key=lambda e: e.wave):
        before = max((best[d] for d in effort.depends_on), default=(0.0, []))
        best[effort.id] = (before[0] + seconds[effort.id], [*before[1], effort.id])
    return max(best.values())


def report(plan: Plan, run: dict[str, Any], results: dict[str, dict[str, Any]]) -> bool:
    timing = {e: (_t(r["timing"]["started_at"]), _t(r["timing"]["finished_at"])) for e, r in results.items()}
    seconds = {e: end - start for e, (start, end) in timing.items()}
    path_s, path = critical_path(plan, seconds)
    run_start, run_end = _t(run["start_date"]), _t(run["end_date"])
    makespan = run_end - run_start
    boundaries = len(plan.waves) - 1
    budget = path_s * SLACK + PER_BOUNDARY_S * boundaries
    ok = run["state"] == "success" and makespan <= budget

    print(f"{'':<44} {'seconds':>8}")
    print(f"{'makespan (run start -> run end)':<44} {makespan:>8.1f}  state {run['state']}")
    chain = " + ".join(f"{seconds[e]:.1f} ({e})" for e in path)
    print(f"{'critical path (runner timings)':<44} {path_s:>8.1f}  = {chain}")
    print(
        f"{'overhead in total':<44} {makespan - path_s:>8.1f}  makespan is {makespan / path_s:.2f}x the critical path"
    )
    previous_end, previous_name = run_start, "run start"
    for wave in plan.waves:
        ids = [e.id for e in plan.wave_efforts(wave.number)]
        first_start = min(timing[e][0] for e in ids)
        last_end = max(timing[e][1] for e in ids)
        label = f"{previous_name} -> wave {wave.number}'s first effort"
        note = "preflight checks, task start" if wave.number == 1 else "wave boundary: landing sensor, task start"
        print(f"{'  ' + label:<44} {first_start - previous_end:>8.1f}  {note}")
        spread = (last_end - first_start) - max(seconds[e] for e in ids)
        label = f"wave {wave.number} beyond its longest effort"
        print(f"{'  ' + label:<44} {spread:>8.1f}  start skew of its {len(ids)} efforts")
        previous_end, previous_name = last_end, f"wave {wave.number}'s last effort"
    print(f"{'  ' + previous_name + ' -> run end':<44} {run_end - previous_end:>8.1f}  quality gates, report")
    verdict = "ok" if ok else "MISSED"
    print(
        f"{verdict}: makespan {makespan:.1f} s <= critical path {path_s:.1f} s x {SLACK:.2f} + {PER_BOUNDARY_S:g} s x "
        f"{boundaries} wave boundary = {budget:.1f} s (efforts sleep {EFFORT_SECONDS} s, then run their tests)"
    )
    return ok


def print_memory(sampler: PssSampler) -> None:
    print(f"\n{'memory (PSS) during the run':<34} {'processes':>9} {'mean MB':>8} {'peak MB':>8}")
    for name in sorted(sampler.peak_kb, key=lambda n: (n.endswith("+sessions"), n)):
        if sampler.most_processes[name]:
            print(
                f"{name:<34} {sampler.most_processes[name]:>9} {sampler.mean_kb(name) / 1024:>8.0f} "
                f"{sampler.peak_kb[name] / 1024:>8.0f}"
            )
    components = [n for n in sampler.peak_kb if not n.endswith("+sessions")]
    print(
        f"{'the four components together':<34} {'':>9} {sum(sampler.mean_kb(n) for n in components) / 1024:>8.0f}"
        f"  (sampled every {POLL_S:g} s, {sampler.samples} samples; `+sessions`: the tasks' effort runners, their git "
        "and tests)"
    )


def main() -> int:
    plan = read_plan(plans_dir() / "phase10.yaml")
    base = Path(tempfile.mkdtemp(prefix="waveflow-bench-makespan-"))
    remote = base / "demo-remote.git"
    make_demo = PROJECT_ROOT / "include" / "demo" / "make_demo_repo.py"
    subprocess.run([sys.executable, str(make_demo), str(remote)], check=True, capture_output=True)
    settings = StackSettings(
        home=base / "airflow",
        port=_free_port(),
        extra_env={
            "WAVEFLOW_BACKEND": "local",
            "WAVEFLOW_REPO_URL": str(remote),
            "WAVEFLOW_WORKSPACE": str(base / "workspace"),
            "WAVEFLOW_REPORTS_DIR": str(base / "reports"),
            "WAVEFLOW_DEMO_SLEEP": EFFORT_SECONDS,
        },
    )
    stack = Stack(settings)
    try:
        t0 = time.monotonic()
        stack.migrate()
        stack.airflow("pools", "set", pool_name(plan), str(plan.agents), "efforts at once")
        stack.start()
        stack.wait_healthy()
        api = AirflowAPI(settings.base_url, ADMIN, settings.admin_password())
        api.wait_for_dag(plan.name)
        print(
            f"Airflow up (SQLite, LocalExecutor, parallelism {settings.parallelism}) in {time.monotonic() - t0:.0f} s"
        )
        sampler = PssSampler({proc.pid: name for name, proc in stack.procs.items()})
        run_id = start_run(api, plan.name)
        run = follow(api, plan.name, run_id, sampler)
        results = {e.id: api.xcom(plan.name, run_id, f"wave_{e.wave}.{task_id(e.id)}") for e in plan.efforts}
        ok = report(plan, run, results)
        print_memory(sampler)
        return 0 if ok else 1
    finally:
        stack.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
