from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from waveflow.gates.gantt import nice_step
from waveflow.gates.registry import evaluate_gates
from waveflow.gates.report import RunInfo, write_report

RUN_ID = "scheduled__2025-03-04T02:00:00+00:00"  # the run the conftest results belong to
NOW = datetime(2025, 3, 4, 4, 30, tzinfo=UTC)


@pytest.fixture
def failing_run(clean_run, result_of):
    """One effort misses coverage, one is too large, one fails its tests; the status log is named."""
    clean_run["10.2.2"] = result_of("10.2.2", start_min=42.5, minutes=50, coverage_percent=72.5)
    clean_run["10.2.3"] = result_of("10.2.3", start_min=43, minutes=70, lines_added=870, lines_deleted=42)
    clean_run["10.2.4"] = result_of(
        "10.2.4",
        start_min=42,
        minutes=25,
        status="failed",
        failed_step="test",
        failure_reason="make test exited 2: 3 tests failed in docs/examples_test.go",
        tests_failed=3,
        coverage_percent=None,
    )
    return clean_run


@pytest.fixture
def run_info():
    return RunInfo(
        dag_id="waveflow_phase10",
        run_id=RUN_ID,
        ui_base_url="https://airflow.example.com/",
        task_ids={"10.2.2": "wave_2.e10_2_2"},
        status_log="https://logs.example.com/waveflow/phase10/status.log",
    )


@pytest.fixture
def written(phase10, failing_run, run_info, tmp_path):
    outcomes = evaluate_gates(phase10, failing_run)
    out = tmp_path / run_info.dag_id / run_info.run_id
    return write_report(phase10, run_info, failing_run, outcomes, out, now=NOW)


def test_markdown_names_efforts_verdicts_and_failure_reasons(written):
    md = written.markdown.read_text()
    assert md.startswith("# Run report: Phase 10: Integration & Hardening\n")
    assert f"run `{RUN_ID}`" in md
    assert (
        "**Verdict: FAIL**: efforts without success: 10.2.4; gates failed: Test Coverage (10.2.2); "
        "PR Size (10.2.3); Test Isolation (wave 2)" in md
    )
    assert "| 10.2.4 Documentation | 2 | feature/tmc-completion/p10w2-documentation | failed |" in md
    assert "test: make test exited 2: 3 tests failed in docs/examples_test.go" in md
    assert "| 10.2.3 Chaos Testing | 2 | feature/tmc-completion/p10w2-chaos-testing | succeeded | 2 (" in md
    assert "| 912 (+870 −42) |" in md
    assert "| 10.2.2 | fail | pass | pass | pass | pass | fail |" in md  # coverage and isolation fail for 10.2.2
    assert "### PR Size (<800 lines): FAIL" in md
    assert "| 10.2.3 | 912 lines | < 800 lines | fail | 912 lines (+870 -42) |" in md
    assert "Critical path estimate: 10.1.1 → 10.2.1, 12.0 h; 12.0 h with 4 agents." in md
    assert "Real makespan: 1 h 53 min" in md
    assert "| 1 | E2E Test Framework Foundation | 10.1.1 | 4–6 h | 40 min 00 s |" in md
    assert "[Status log](https://logs.example.com/waveflow/phase10/status.log)" in md


def test_log_links_point_at_the_airflow_3_task_pages(written):
    md = written.markdown.read_text()
    run = "https://airflow.example.com/dags/waveflow_phase10/runs/scheduled__2025-03-04T02%3A00%3A00%2B00%3A00"
    assert f"[log]({run}/tasks/e10_1_1)" in md
    assert f"[log]({run}/tasks/wave_2.e10_2_2)" in md  # the full id, task group prefix included
    assert f"[Run in Airflow]({run})" in md


def test_html_is_self_contained_with_an_inline_svg_timeline(written):
    html = written.html.read_text()
    assert html.count("<svg") == 1 and "</svg>" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html, re.I)
    assert not re.search(r"""(src|srcset)\s*=|url\(|@import""", html, re.I)
    # Every http(s) URL is a plain link the reader may follow, never something the page loads.
    for m in re.finditer(r"https?://", html):
        assert html.rfind('href="', 0, m.start()) == m.start() - len('href="')


def test_html_shows_efforts_verdicts_and_failures(written):
    html = written.html.read_text()
    assert '<span class="verdict v-fail">fail</span>' in html
    assert "make test exited 2: 3 tests failed in docs/examples_test.go" in html
    assert "Phase 10: Integration &amp; Hardening" in html
    assert '<rect x="' in html and "<title>failed, 25 min 00 s</title>" in html
    assert html.count('class="gate"') == 6


def test_summary_lists_the_run_for_the_ui(written):
    summary = json.loads(written.summary.read_text())
    assert summary["verdict"] == "fail"
    assert summary["efforts"] == {"succeeded": 4, "failed": 1}
    assert {g["metric"]: g["verdict"] for g in summary["gates"]} == {
        "Test Coverage": "fail",
        "Benchmark Stability": "pass",
        "Chaos Recovery": "pass",
        "Doc Completeness": "pass",
        "PR Size": "fail",
        "Test Isolation": "fail",
    }


def test_a_clean_run_passes_and_skipped_efforts_are_shown(phase10, clean_run, tmp_path):
    run = {k: v for k, v in clean_run.items() if k != "10.2.4"}
    info = RunInfo(dag_id="d", run_id="manual__1", effort_states={"10.2.4": "skipped"}, status_log="/var/wf/status.log")
    paths = write_report(phase10, info, run, evaluate_gates(phase10, run), tmp_path, now=NOW)
    md = paths.markdown.read_text()
    assert "**Verdict: PASS**: every effort succeeded and every gate passed" in md
    assert "| 10.2.4 Documentation | 2 | feature/tmc-completion/p10w2-documentation | skipped | — |" in md
    assert "[log](/dags/d/runs/manual__1/tasks/e10_2_4)" in md
    assert "Status log: `/var/wf/status.log`" in md  # a worker's path is no link a browser could follow
    assert "Status log: <code>/var/wf/status.log</code>" in paths.html.read_text()


def test_the_writer_fills_object_storage_through_objectstoragepath(phase10, clean_run, tmp_path):
    from airflow.sdk import ObjectStoragePath

    root = ObjectStoragePath(f"file://{tmp_path}/bucket")
    out = root / "dag" / "run"
    paths = write_report(phase10, RunInfo("dag", "run"), clean_run, evaluate_gates(phase10, clean_run), out)
    assert str(paths.html) == f"file://{tmp_path}/bucket/dag/run/report.html"
    assert (tmp_path / "bucket" / "dag" / "run" / "report.md").read_text().startswith("# Run report")


@pytest.mark.parametrize(("total", "step"), [(12.0, 5.0), (1.0, 0.2), (4500.0, 1000.0), (0.0, 1.0)])
def test_axis_steps_are_round(total, step):
    assert nice_step(total) == pytest.approx(step)


def test_a_run_where_no_effort_changed_anything_is_no_pass(phase10, clean_run, result_of, run_info, tmp_path):
    idle = {eid: result_of(eid, commits=0, lines_added=0, lines_deleted=0, pr_size=0) for eid in clean_run}
    for r in idle.values():
        r.repo, r.base_commit = "https://git.example.com/shelf.git", "be7ca13f3869aa0011223344556677889900aabb"
    written = write_report(phase10, run_info, idle, evaluate_gates(phase10, idle), tmp_path / "idle", now=NOW)
    md = written.markdown.read_text()
    assert "**Verdict: FAIL**: no effort changed anything in this run (0 commits, 0 lines: 10.1.1, 10.2.1" in md
    assert "| succeeded — changed nothing (0 commits, 0 lines) |" in md
    assert "Started from: `https://git.example.com/shelf.git, main at be7ca13f3869`" in md
    assert 'id="sources">Started from: <code>https://git.example.com/shelf.git, main at be7ca13f3869' in (
        written.html.read_text()
    )


def test_one_idle_effort_is_flagged_and_a_memoized_run_says_so(phase10, clean_run, result_of, run_info, tmp_path):
    clean_run["10.2.4"] = result_of("10.2.4", commits=0, lines_added=0, lines_deleted=0, pr_size=0)
    md = write_report(phase10, run_info, clean_run, evaluate_gates(phase10, clean_run), tmp_path / "a", now=NOW)
    text = md.markdown.read_text()
    assert "**Verdict: PASS**" in text and "| succeeded — changed nothing (0 commits, 0 lines) |" in text
    assert not result_of("10.2.4", commits=0, pr_size=97).changed_nothing  # resumed what an earlier try committed
    memo = {eid: result_of(eid, memoized=True) for eid in clean_run}
    again = write_report(phase10, run_info, memo, evaluate_gates(phase10, memo), tmp_path / "b", now=NOW)
    assert "**Verdict: PASS**: every effort was memoized (its recorded result reused; no work done in this run)" in (
        again.markdown.read_text()
    )


def test_the_report_shows_each_agents_iterations_and_the_agent_cost_gate_judges_them(
    phase10, clean_run, run_info, tmp_path
):
    from waveflow.plan.model import Gate
    from waveflow.runner.result import AgentRecord, Iteration

    def agent(costs: list[float]) -> AgentRecord:
        its = [
            Iteration(number=n, started_at="2025-03-04T02:00:00Z", exit_code=0, tests_passed=6, tests_failed=n % 2,
                      gate_misses=["PR Size: 900 lines, target < 800 lines"] if n == 1 else [], cost_usd=c,
                      tokens_in=1000, tokens_out=100, model="claude-x", transcript=f"/ws/logs/implement-{n}.log")
            for n, c in enumerate(costs, 1)
        ]  # fmt: skip
        return AgentRecord(profile="claude", adapter="claude-code", max_iterations=3, iterations=its,
                           cost_usd=sum(costs), tokens_in=1000 * len(costs), tokens_out=100 * len(costs))  # fmt: skip

    clean_run["10.2.1"].agent = agent([1.25, 0.75])
    clean_run["10.2.2"].agent = agent([4.0, 2.5])
    plan = phase10.model_copy(update={"gates": [*phase10.gates, Gate(metric="Agent Cost", target="<$5 per effort")]})
    outcomes = evaluate_gates(plan, clean_run)
    cost = next(o for o in outcomes if o.metric == "Agent Cost")
    assert cost.failing == ["10.2.2"]
    assert cost.row_for("10.2.1").shown == "$2.00" and cost.row_for("10.2.1").target == "< $5"
    assert cost.row_for("10.1.1").verdict == "no data"
    written = write_report(plan, run_info, clean_run, outcomes, tmp_path / "agents", now=NOW)
    md = written.markdown.read_text()
    assert "| 2 of 3 iterations, $2.00, 2,000 in, 200 out tokens |" in md
    assert "gates failed: Agent Cost (10.2.2)" in md
    assert (
        "| 10.2.1 | claude (claude-code) | claude-x | 1 | 0 | 6 passed, 1 failed | PR Size: 900 lines, target < 800 "
        "lines | $1.25 | 1,000 in, 100 out | `/ws/logs/implement-1.log` |" in md
    )
    html = written.html.read_text()
    assert '<table class="agents">' in html and "<code>/ws/logs/implement-2.log</code>" in html


def test_the_integration_section_says_what_each_wave_merged_and_a_failed_one_fails_the_run(
    phase10, clean_run, result_of, tmp_path
):
    from waveflow.runner.result import MergeConflict, MergedBranch

    assert phase10.integration is not None  # the shipped phase 10 integrates its waves
    one = result_of("10.1.1", start_min=40, minutes=2).model_copy(update={
        "effort": "integration-wave-1", "branch": "waveflow/phase10/integration-wave-1", "head": "ab" * 20,
        "published": "waveflow/phase10/integration",
        "merged": [MergedBranch(effort="10.1.1", branch="feature/x", commit="cd" * 20)],
    })  # fmt: skip
    two = result_of("10.2.1", start_min=120, minutes=1, status="failed", failed_step="merge").model_copy(update={
        "effort": "integration-wave-2", "failure_reason": "merge conflict integrating 10.2.3: docs/api.md",
        "merged": [MergedBranch(effort="10.2.1", branch="b1", commit="ef" * 20)],
        "conflicts": [MergeConflict(file="docs/api.md", efforts=["10.2.1 (b1)", "10.2.3 (b3)"], resolution="failed")],
    })  # fmt: skip
    info = RunInfo(
        dag_id="d", run_id="manual__1",
        integrations={"integration-wave-1": one, "integration-wave-2": two},
        integration_states={"integration-wave-1": "success", "integration-wave-2": "failed"},
    )  # fmt: skip
    paths = write_report(phase10, info, clean_run, evaluate_gates(phase10, clean_run), tmp_path, now=NOW)
    md = paths.markdown.read_text()
    assert "**Verdict: FAIL**: integration failed in wave 2" in md
    assert "| 1 | waveflow/phase10/integration-wave-1 | succeeded | 10.1.1 `cdcdcdcd` | none | " in md
    assert "waveflow/phase10/integration at `abababab` |" in md
    assert "docs/api.md: 10.2.1 (b1) and 10.2.3 (b3), failed" in md
    assert "<h2>Integration</h2>" in paths.html.read_text()


def test_the_report_links_the_pull_requests_or_says_where_a_dry_run_wrote_them(phase10, clean_run, tmp_path):
    opened = [{"efforts": ["10.1.1"], "head": "feat/a", "base": "main", "draft": True, "number": 7,
               "url": "https://forge.example/acme/app/pull/7"},
              {"efforts": ["10.2.1"], "head": "feat/b", "base": "main", "draft": False, "file": "/r/feat-b.md"}]  # fmt: skip
    info = RunInfo(dag_id="d", run_id="manual__1", pull_requests=opened)
    paths = write_report(phase10, info, clean_run, evaluate_gates(phase10, clean_run), tmp_path, now=NOW)
    md = paths.markdown.read_text()
    assert "| 10.1.1 | feat/a | main | draft | https://forge.example/acme/app/pull/7 |" in md
    assert "| 10.2.1 | feat/b | main | ready for review | not opened (dry run): /r/feat-b.md |" in md
    assert '<a href="https://forge.example/acme/app/pull/7">#7</a>' in paths.html.read_text()
