"""Phase 10 through Airflow's own scheduler (api-server, scheduler, dag-processor, triggerer on this machine, the local
backend, the demo repository): the run's makespan against the plan's critical path. Twice: the `make run` stack
(SQLite, LocalExecutor), then the CeleryExecutor with two workers of concurrency 2, each with its own home and
workspace (Postgres and Redis from Debian's packages, as the end-to-end tests start them; skipped without them).

Every effort of the demo takes at least WAVEFLOW_DEMO_SLEEP seconds (its implement step sleeps; then its tests run).
The baseline is measured in the same run: each effort's own duration, from the runner's timing in its XCom result,
summed along the plan's longest dependency chain, each wave's integration after its efforts (the next wave starts
from it). Target: makespan <= critical path x 1.10 + 5 s per wave boundary.
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
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import benchenv  # noqa: F401  (before Airflow: a throwaway Airflow home for this process)
from pss import PssSampler

# The end-to-end tests' throwaway Postgres and Redis servers.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.postgres import pg_bin, postgres_cluster
from support.redis import REDIS_SERVER, redis_server

from waveflow.airflow.paths import PROJECT_ROOT, plans_dir
from waveflow.airflow.pool import pool_name
from waveflow.plan.load import read_plan
from waveflow.plan.model import Plan, integration_id, task_id
from waveflow.stack.api import AirflowAPI
from waveflow.stack.celery_workers import celery_workers
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
    """The run Airflow starts when a nightly DAG is first unpaused (catchup=False: the latest night), as in `make run`.

    Not a triggered one: that run would come anyway, and deleting it does not help (the scheduler creates the latest
    night's run again), so it would compete with the measured run.
    """
    api.unpause(dag_id)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        runs = api.call("GET", f"/dags/{dag_id}/dagRuns", params={"run_type": "scheduled"})["dag_runs"]
        if runs:
            return str(runs[0]["dag_run_id"])
        time.sleep(1)
    raise TimeoutError("unpausing the nightly DAG did not start its latest run")


def forget_efforts(remote: Path) -> None:
    """Drop the effort and integration branches and the runner's notes, so the next run does every effort and
    integration again (not memoized)."""
    refs = subprocess.run(
        ["git", "-C", str(remote), "for-each-ref", "--format=%(refname)", "refs/heads/feature", "refs/heads/waveflow",
         "refs/notes"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    for ref in refs:
        subprocess.run(["git", "-C", str(remote), "update-ref", "-d", ref], check=True)


def runs(remote: Path) -> list[tuple[str, Callable[[AirflowAPI, str], str]]]:
    """The first run meets workers the LocalExecutor has just forked; the second, on the same stack, is what a nightly
    run of a long-running Airflow meets."""

    def fresh(api: AirflowAPI, dag_id: str) -> str:
        forget_efforts(remote)
        return api.trigger(dag_id)

    return [
        ("first run on the fresh stack (the unpause run, as in `make run`)", start_run),
        ("second run on the same, warm stack (branches dropped first, so nothing is memoized)", fresh),
    ]


def follow(api: AirflowAPI, dag_id: str, run_id: str, sampler: PssSampler | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        if sampler:
            sampler.sample()
        run = api.run(dag_id, run_id)
        if run["state"] in ("success", "failed"):
            return run
        time.sleep(POLL_S)
    raise TimeoutError(f"run {run_id} did not finish in {RUN_TIMEOUT_S} s")


def critical_path(plan: Plan, seconds: dict[str, float]) -> tuple[float, list[str]]:
    """The longest chain of dependencies, weighted by each effort's measured duration. A wave's integration is work
    on that chain too: it runs after the wave's efforts, and the next wave's efforts start from it."""
    best: dict[str, tuple[float, list[str]]] = {}
    previous: tuple[float, list[str]] = (0.0, [])
    for wave in sorted(plan.waves, key=lambda w: w.number):
        for effort in plan.wave_efforts(wave.number):
            before = max([previous, *(best[d] for d in effort.depends_on if d in best)])
            best[effort.id] = (before[0] + seconds[effort.id], [*before[1], effort.id])
        done = max((best[e.id] for e in plan.wave_efforts(wave.number)), default=previous)
        job = integration_id(wave.number)
        if job in seconds:
            done = (done[0] + seconds[job], [*done[1], job])
            best[job] = done
        previous = done if job in seconds else previous
    return max(best.values())


def report(plan: Plan, run: dict[str, Any], results: dict[str, dict[str, Any]], failed: list[str]) -> bool:
    timing = {e: (_t(r["timing"]["started_at"]), _t(r["timing"]["finished_at"])) for e, r in results.items()}
    seconds = {e: end - start for e, (start, end) in timing.items()}
    path_s, path = critical_path(plan, seconds)
    run_start, run_end = _t(run["start_date"]), _t(run["end_date"])
    makespan = run_end - run_start
    boundaries = len(plan.waves) - 1
    budget = path_s * SLACK + PER_BOUNDARY_S * boundaries
    # A failed quality gate (say, benchmark variance on a busy machine) fails the run but says nothing about the
    # makespan; a failed effort does.
    efforts_ok = all(r["status"] == "succeeded" and not r["memoized"] for r in results.values())
    ok = efforts_ok and makespan <= budget

    print(f"{'':<48} {'seconds':>8}")
    state = f"run {run['state']}" + (f" ({', '.join(failed)} failed)" if failed else "")
    print(f"{'makespan (run start -> run end)':<48} {makespan:>8.1f}  {state}")
    chain = " + ".join(f"{seconds[e]:.1f} ({e})" for e in path)
    print(f"{'critical path (runner timings, to the ms)':<48} {path_s:>8.1f}  = {chain}")
    ratio = makespan / max(path_s, 1)
    print(f"{'overhead in total':<48} {makespan - path_s:>8.1f}  makespan is {ratio:.2f}x the critical path")
    previous_end, previous_name = run_start, "run start"
    for wave in plan.waves:
        ids = [e.id for e in plan.wave_efforts(wave.number)]
        first_start = min(timing[e][0] for e in ids)
        last_end = max(timing[e][1] for e in ids)
        label = f"{previous_name} -> wave {wave.number}'s first effort"
        first = "preflight checks, the stack's first tasks"
        note = first if wave.number == 1 else "the wave before's integration, landing sensor, task start"
        print(f"{'  ' + label:<48} {first_start - previous_end:>8.1f}  {note}")
        spread = (last_end - first_start) - max(seconds[e] for e in ids)
        label = f"wave {wave.number} beyond its longest effort"
        print(f"{'  ' + label:<48} {spread:>8.1f}  start skew of its {len(ids)} efforts")
        previous_end, previous_name = last_end, f"wave {wave.number}'s last effort"
    print(f"{'  ' + previous_name + ' -> run end':<48} {run_end - previous_end:>8.1f}  quality gates, report")
    verdict = "ok" if ok else "MISSED" if efforts_ok else "EFFORTS FAILED OR MEMOIZED"
    print(
        f"{verdict}: makespan {makespan:.1f} s <= critical path {path_s:.1f} s x {SLACK:.2f} + {PER_BOUNDARY_S:g} s x "
        f"{boundaries} wave boundary = {budget:.1f} s (efforts sleep {EFFORT_SECONDS} s, then run their tests)"
    )
    return ok


def print_timeline(plan: Plan, run: dict[str, Any], tis: list[dict[str, Any]], results: dict[str, Any]) -> None:
    """Each task's queued / started / ended, and the runner's own start and end inside effort tasks: where the
    overhead above sits."""
    zero = _t(run["start_date"])
    runner = {f"wave_{e.wave}.{task_id(e.id)}": results[e.id]["timing"] for e in plan.efforts}
    runner |= {f"wave_{j.wave}.integrate": results[integration_id(j.wave)]["timing"] for j in plan.integration_jobs()}

    def at(value: str | None) -> str:
        return f"{_t(value) - zero:>7.1f}" if value else f"{'-':>7}"

    print(
        f"\n{'timeline (s from run start)':<40} {'queued':>7} {'started':>7} {'runner':>7} {'runner':>7} {'ended':>7}"
    )
    print(f"{'':<40} {'':>7} {'':>7} {'start':>7} {'end':>7}")
    for ti in sorted(tis, key=lambda t: t.get("start_date") or "~"):
        timing = runner.get(ti["task_id"], {})
        print(
            f"{ti['task_id']:<40} {at(ti.get('queued_when'))} {at(ti.get('start_date'))} "
            f"{at(timing.get('started_at'))} {at(timing.get('finished_at'))} {at(ti.get('end_date'))}  {ti['state']}"
        )


def print_memory(sampler: PssSampler) -> None:
    print(f"\n{'memory (PSS) during the run':<40} {'processes':>9} {'mean MB':>8} {'peak MB':>8}")
    for name in sorted(sampler.peak_kb, key=lambda n: (n.endswith("+sessions"), n)):
        if sampler.most_processes[name]:
            print(
                f"{name:<40} {sampler.most_processes[name]:>9} {sampler.mean_kb(name) / 1024:>8.0f} "
                f"{sampler.peak_kb[name] / 1024:>8.0f}"
            )
    components = [n for n in sampler.peak_kb if not n.endswith("+sessions")]
    print(
        f"{'the components together':<40} {'':>9} {sum(sampler.mean_kb(n) for n in components) / 1024:>8.0f}"
        f"  (sampled every {POLL_S:g} s, {sampler.samples} samples; `+sessions`: the tasks' effort runners, their git "
        "and tests)"
    )


def measure(settings: StackSettings, plan: Plan, remote: Path) -> bool:
    """Both runs on one stack, each reported against its critical path; then the memory of its processes."""
    stack = Stack(settings)
    try:
        t0 = time.monotonic()
        stack.migrate()
        stack.airflow("pools", "set", pool_name(plan), str(plan.parallel_agents), "efforts at once")
        stack.start()
        stack.wait_healthy()
        api = AirflowAPI(settings.base_url, ADMIN, settings.admin_password())
        api.wait_for_dag(plan.name)
        workers = (
            f", {len(settings.celery_workers)} workers x {settings.worker_concurrency}"
            if settings.celery_workers
            else ""
        )
        database = "Postgres" if settings.database_url else "SQLite"
        print(
            f"Airflow up ({database}, {settings.executor}, parallelism {settings.parallelism}{workers}) in "
            f"{time.monotonic() - t0:.0f} s"
        )
        sampler = PssSampler({proc.pid: name for name, proc in stack.procs.items()})
        ok = True
        for label, start in runs(remote):
            run_id = start(api, plan.name)
            run = follow(api, plan.name, run_id, sampler)
            results = {e.id: api.xcom(plan.name, run_id, f"wave_{e.wave}.{task_id(e.id)}") for e in plan.efforts}
            results |= {integration_id(j.wave): api.xcom(plan.name, run_id, f"wave_{j.wave}.integrate")
                        for j in plan.integration_jobs()}  # fmt: skip
            tis = api.task_instances(plan.name, run_id)
            print(f"\n== {label}")
            ok &= report(plan, run, results, [t["task_id"] for t in tis if t["state"] == "failed"])
            print_timeline(plan, run, tis, results)
        print_memory(sampler)
    except BaseException:
        stack.stop()
        print(f"the Airflow home, with the components' logs, is kept in {settings.home}", file=sys.stderr)
        raise
    stack.stop()
    return ok


def demo(base: Path) -> tuple[Path, dict[str, str]]:
    """A fresh demo remote, and the environment every component of a stack gets."""
    remote = base / "demo-remote.git"
    make_demo = PROJECT_ROOT / "include" / "demo" / "make_demo_repo.py"
    subprocess.run([sys.executable, str(make_demo), str(remote)], check=True, capture_output=True)
    return remote, {
        "WAVEFLOW_BACKEND": "local",
        "WAVEFLOW_REPO_URL": str(remote),
        "WAVEFLOW_WORKSPACE": str(base / "workspace"),
        "WAVEFLOW_REPORTS_DIR": str(base / "reports"),
        "WAVEFLOW_DEMO_SLEEP": EFFORT_SECONDS,
    }


def main() -> int:
    plan = read_plan(plans_dir() / "phase10.yaml")
    base = Path(tempfile.mkdtemp(prefix="waveflow-bench-makespan-"))
    print("==== LocalExecutor, as `make run`")
    remote, env = demo(base / "local")
    ok = measure(StackSettings(home=base / "local" / "airflow", port=_free_port(), extra_env=env), plan, remote)
    if pg_bin() is None or REDIS_SERVER is None:
        print("\n==== CeleryExecutor: skipped, it needs Debian's postgresql and redis-server packages")
    else:
        print("\n==== CeleryExecutor, two workers of concurrency 2 (the end-to-end tests' stack)")
        remote, env = demo(base / "celery")
        # Reports where every worker and the api-server read them, as a deployment across machines has them.
        env["WAVEFLOW_REPORTS_URL"] = (base / "celery" / "reports").as_uri()
        with postgres_cluster() as database, redis_server() as broker:
            settings = StackSettings(
                home=base / "celery" / "airflow",
                port=_free_port(),
                database_url=database,
                extra_env=env,
                executor="CeleryExecutor",
                broker_url=broker,
                celery_workers=celery_workers(base / "celery" / "machines", 2),
                worker_concurrency=2,
            )
            ok &= measure(settings, plan, remote)
    shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
