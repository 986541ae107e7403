"""The demo target repository, and phase 10 run effort by effort against it, as the DAG runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from gitrepo import Outcome, git, run_runner

from waveflow.plan.load import read_plan
from waveflow.plan.model import integration_id
from waveflow.runner.contract import RunnerInputs
from waveflow.runner.from_plan import inputs_for, integration_inputs
from waveflow.runner.metrics import bench

REPO = Path(__file__).resolve().parents[2]
MAKE_DEMO = REPO / "include" / "demo" / "make_demo_repo.py"


def make_demo(dest: Path) -> str:
    out = subprocess.run([sys.executable, str(MAKE_DEMO), str(dest)], check=True, capture_output=True, text=True)
    return out.stdout.split()[-1]


@pytest.fixture(scope="module")
def phase10():
    return read_plan(REPO / "include" / "plans" / "phase10.yaml")


def effort_inputs(plan, effort_id: str, demo: Path, root: Path, run_id: str = "run-1") -> RunnerInputs:
    """What the plan's DAG hands the runner (the same function), with this test's workspace and result file."""
    inputs = inputs_for(plan, plan.effort(effort_id), repo=str(demo), base_ref=plan.base_ref, run_id=run_id)
    return replace(inputs, workspace=str(root / "ws"), result_path=str(root / "results" / f"{effort_id}.json"))


def run_phase(plan, demo: Path, root: Path, env: dict[str, str] | None = None, run_id: str = "run-1"):
    """Wave by wave, as the DAG runs them: an effort starts once the efforts it depends on have pushed; a wave's
    efforts in parallel; then, when none of them failed, the wave's integration (the next wave starts from it)."""
    outcomes: dict[str, Outcome] = {}
    for wave in plan.waves:
        efforts = plan.wave_efforts(wave.number)
        with ThreadPoolExecutor(max_workers=len(efforts)) as pool:
            jobs = {e.id: pool.submit(run_runner, effort_inputs(plan, e.id, demo, root, run_id), env) for e in efforts}
            outcomes.update({eid: job.result() for eid, job in jobs.items()})
        if plan.integration and all(outcomes[e.id].code == 0 for e in efforts):
            inputs = integration_inputs(plan, wave.number, repo=str(demo), base_ref=plan.base_ref, run_id=run_id)
            job = integration_id(wave.number)
            inputs = replace(inputs, workspace=str(root / "ws"), result_path=str(root / "results" / f"{job}.json"))
            outcomes[job] = run_runner(inputs, env)
    return outcomes


def test_demo_repository_is_reproducible(tmp_path):
    first, second = make_demo(tmp_path / "a.git"), make_demo(tmp_path / "b.git")
    assert first == second
    files = git("--git-dir", str(tmp_path / "a.git"), "ls-tree", "-r", "--name-only", "main").splitlines()
    assert {"Makefile", "tools/apply_effort.py", "tools/run_tests.py", "src/shelf/store.py"} <= set(files)
    assert not any("__pycache__" in f for f in files)
    again = subprocess.run([sys.executable, str(MAKE_DEMO), str(tmp_path / "a.git")], capture_output=True, text=True)
    assert again.returncode == 2 and "exists" in again.stderr


def test_apply_effort_is_idempotent(tmp_path):
    make_demo(tmp_path / "demo.git")
    work = tmp_path / "work"
    git("clone", "-q", str(tmp_path / "demo.git"), str(work))

    def apply(effort: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "WAVEFLOW_EFFORT": effort}
        return subprocess.run(["python3", "tools/apply_effort.py"], cwd=work, env=env, capture_output=True, text=True)

    first = apply("10.2.4")
    assert first.returncode == 0 and "wrote src/shelf/store.py" in first.stdout
    changed = git("status", "--porcelain", cwd=work)
    assert "docs/" in changed and "src/shelf/store.py" in changed
    second = apply("10.2.4")
    assert second.stdout.strip() == "apply_effort: 10.2.4: already applied, nothing to change"
    assert git("status", "--porcelain", cwd=work) == changed
    unknown = apply("99.9")
    assert unknown.returncode == 2 and "no change for effort '99.9'" in unknown.stderr


def test_demo_benchmarks_print_relative_rounds_and_the_unstable_knob_shows(tmp_path):
    make_demo(tmp_path / "demo.git")
    work = tmp_path / "work"
    git("clone", "-q", str(tmp_path / "demo.git"), str(work))
    env = {**os.environ, "WAVEFLOW_EFFORT": "10.2.2", "WAVEFLOW_REPORTS": str(tmp_path / "reports")}
    subprocess.run(["python3", "tools/apply_effort.py"], cwd=work, env=env, check=True, capture_output=True)

    def benchmarks(**knobs: str) -> dict[str, list[float]]:
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/performance"]
        done = subprocess.run(argv, cwd=work, env={**env, **knobs}, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:]
        return bench.from_output(done.stdout)

    steady = benchmarks()
    assert sorted(steady) == ["BenchmarkProtocolLines", "BenchmarkStoreFill"]
    assert all(len(samples) == 10 and all(x > 0 for x in samples) for samples in steady.values())
    shaky = benchmarks(WAVEFLOW_DEMO_UNSTABLE_BENCH="10.2.2")["BenchmarkStoreFill"]
    assert (bench.cv(shaky) or 0) > 20  # every other round does four times the work, whatever the machine does


@pytest.mark.slow
def test_phase10_runs_end_to_end_in_dependency_order(tmp_path, phase10):
    pytest.importorskip("coverage")
    demo = tmp_path / "shelf.git"
    make_demo(demo)
    outcomes = run_phase(phase10, demo, tmp_path)
    for eid, out in outcomes.items():
        assert out.code == 0, (eid, out.stderr[-3000:])
    results = {eid: out.result for eid, out in outcomes.items()}
    framework = results["10.1.1"].head
    for eid in ("10.2.1", "10.2.2", "10.2.3", "10.2.4"):
        r = results[eid]
        history = git("--git-dir", str(demo), "rev-list", r.branch).split()
        assert framework in history, f"{eid} does not build on 10.1.1"
        assert r.metrics.tests_failed == 0 and r.metrics.tests_passed >= 9  # 5 on main + 4 of the framework
        assert r.metrics.coverage_percent > 80
        assert r.metrics.undocumented_apis == [] and 0 < r.metrics.pr_size < 800
    assert results["10.2.1"].ports == (30100, 30199) and results["10.2.1"].namespace == "integration-tests"
    assert (results["10.2.3"].metrics.chaos_total, results["10.2.3"].metrics.chaos_recovered) == (5, 5)
    bench = results["10.2.2"].metrics
    assert len(bench.benchmark_samples) == 2 and all(len(s) == 10 for s in bench.benchmark_samples.values())
    assert bench.benchmark_cv_percent is not None
    assert "chaos" in results["10.2.1"].metrics.unavailable  # only the chaos effort has a chaos suite
    # The loop: 10.2.1's first draft fails a test; the feedback names it and the second iteration finishes the work.
    first, second = results["10.2.1"].agent.iterations
    assert first.failed_tests == ["tests.integration.test_server_flow::test_clients_share_one_store_over_tcp"]
    assert (second.tests_failed, first.commit != second.commit) == (0, True)
    assert len(results["10.2.1"].commits) == 2
    assert all(len(results[e].agent.iterations) == 1 for e in ("10.1.1", "10.2.2", "10.2.3", "10.2.4"))
    # Both waves' integrations merged and tested their branches; wave 2 started from wave 1's.
    assert {r.base_commit for e, r in results.items() if e.startswith("10.2.")} == {results["integration-wave-1"].head}
    assert [m.effort for m in results["integration-wave-2"].merged] == ["10.2.1", "10.2.2", "10.2.3", "10.2.4"]
    assert results["integration-wave-2"].metrics.tests_failed == 0


@pytest.mark.slow
def test_knobs_and_a_rerun_that_redoes_only_the_failed_effort(tmp_path, phase10):
    pytest.importorskip("coverage")
    demo = tmp_path / "shelf.git"
    make_demo(demo)
    fail_file = tmp_path / "failing"
    fail_file.write_text("10.2.4\n")
    knobs = {
        "WAVEFLOW_DEMO_FAIL_FILE": str(fail_file),
        "WAVEFLOW_DEMO_LOW_COVERAGE": "10.2.1",
        "WAVEFLOW_DEMO_BIG": "10.2.1",
        "WAVEFLOW_DEMO_UNDOCUMENTED": "10.2.1",
        "WAVEFLOW_DEMO_CHAOS_UNRECOVERED": "10.2.3",
    }
    plan = phase10.model_copy(deep=True)
    plan.efforts = [e for e in plan.efforts if e.id in ("10.1.1", "10.2.1", "10.2.3", "10.2.4")]
    first = run_phase(plan, demo, tmp_path, knobs)
    assert first["10.1.1"].code == 0
    docs = first["10.2.4"]
    assert docs.code == 1 and docs.result.failed_step == "test" and docs.result.pushed
    assert docs.result.metrics.tests_failed == 1
    knobbed = first["10.2.1"].result.metrics
    assert knobbed.coverage_percent < 80 and knobbed.pr_size > 800
    assert knobbed.undocumented_apis == ["src/shelf/extras_10_2_1.py:4 restock_all"]
    chaos = first["10.2.3"].result.metrics
    assert chaos.chaos_total == 5 and chaos.chaos_recovered == 4

    fail_file.unlink()
    second = run_phase(plan, demo, tmp_path, knobs, run_id="run-2")
    assert second["10.2.4"].code == 0 and not second["10.2.4"].result.memoized
    assert second["10.2.4"].result.head == docs.result.head  # the work was kept; only the tests ran again
    assert second["10.1.1"].result.memoized and second["10.2.1"].result.memoized
    assert not second["10.2.3"].result.memoized  # it failed (chaos did not recover), so it runs again
