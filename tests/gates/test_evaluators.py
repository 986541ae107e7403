"""Each built-in evaluator on the edges of its target: exactly at the limit, just past it, no data, required or not."""

from __future__ import annotations

import pytest

from waveflow.gates.benchmarks import cv_percent, sampled
from waveflow.gates.registry import evaluate_gate
from waveflow.plan.model import Gate


def rows(outcome):
    return {r.effort: r.verdict for r in outcome.rows}


def only(run, *ids):
    return {eid: run[eid] for eid in ids}


# --- Test Coverage ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("coverage", "verdict"), [(80.0, "fail"), (80.1, "pass"), (79.9, "fail"), (100.0, "pass")])
def test_coverage_exactly_at_a_strict_target_fails(phase10, result_of, coverage, verdict):
    run = {"10.1.1": result_of("10.1.1", coverage_percent=coverage)}
    outcome = evaluate_gate(phase10, Gate(metric="Test Coverage", target=">80%"), run)
    assert rows(outcome) == {"10.1.1": verdict, "overall": verdict}
    assert outcome.passed is (verdict == "pass")


def test_coverage_exactly_at_an_inclusive_target_passes(phase10, result_of):
    run = {"10.1.1": result_of("10.1.1", coverage_percent=80.0)}
    assert evaluate_gate(phase10, Gate(metric="coverage", target=">= 80 %"), run).passed


def test_coverage_names_the_effort_below_target_and_weights_overall_by_size(phase10, clean_run, result_of):
    clean_run["10.2.2"] = result_of("10.2.2", coverage_percent=60.0, lines_added=100)
    clean_run["10.2.3"] = result_of("10.2.3", coverage_percent=95.0, lines_added=900)
    outcome = evaluate_gate(phase10, Gate(metric="Test Coverage", target=">80%"), clean_run)
    assert outcome.failing == ["10.2.2"]
    overall = outcome.row_for("overall")
    # (85*360*3 + 60*100 + 95*900) / (360*3 + 100 + 900)
    assert overall.value == pytest.approx((85 * 1080 + 6000 + 85500) / 2080)
    assert overall.verdict == "pass"
    assert overall.shown == "88.1% (mean of 5 weighted by lines added)"


def test_coverage_no_data_is_shown_and_fails_only_a_required_gate(phase10, clean_run, result_of):
    clean_run["10.2.4"] = result_of("10.2.4", coverage_percent=None, unavailable={"coverage": "no Go packages"})
    clean_run["10.2.1"] = None
    optional = evaluate_gate(phase10, Gate(metric="Test Coverage", target=">80%"), clean_run)
    assert rows(optional)["10.2.4"] == "no data"
    assert optional.row_for("10.2.4").note == "no Go packages"
    assert optional.row_for("10.2.1").note == "no result"
    assert optional.verdict == "pass" and optional.failing == []
    required = evaluate_gate(phase10, Gate(metric="Test Coverage", target=">80%", required=True), clean_run)
    assert required.verdict == "fail"
    assert required.failing == ["10.2.1", "10.2.4"]


def test_a_gate_where_no_effort_has_data_is_no_data_unless_required(phase10, result_of):
    run = {"10.1.1": result_of("10.1.1", coverage_percent=None)}
    assert evaluate_gate(phase10, Gate(metric="Test Coverage", target=">80%"), run).verdict == "no data"
    assert evaluate_gate(phase10, Gate(metric="Test Coverage", target=">80%", required=True), run).verdict == "fail"


# --- Benchmark Stability --------------------------------------------------------------------------------------------


def test_cv_is_sample_stdev_over_mean():
    assert cv_percent([90.0, 110.0]) == pytest.approx(100 * 14.1421356 / 100, rel=1e-6)
    assert cv_percent([5.0]) is None
    assert cv_percent([0.0, 0.0]) is None


@pytest.mark.parametrize(("cv", "verdict"), [(5.0, "fail"), (4.99, "pass"), (5.01, "fail")])
def test_stability_exactly_at_five_percent_fails_below_five(phase10, result_of, cv, verdict):
    run = {"10.2.2": result_of("10.2.2", benchmark_samples={}, benchmark_cv_percent=cv)}
    outcome = evaluate_gate(phase10, Gate(metric="Benchmark Stability", target="<5% variance"), run)
    assert rows(outcome) == {"10.2.2": verdict}


def test_stability_judges_the_least_stable_benchmark_from_samples(phase10, result_of):
    samples = {"BenchmarkSteady": [100.0, 100.5, 99.5], "BenchmarkNoisy": [80.0, 120.0, 100.0]}
    run = {"10.2.2": result_of("10.2.2", benchmark_samples=samples, benchmark_cv_percent=0.1)}
    row = evaluate_gate(phase10, Gate(metric="Benchmark Stability", target="<5%"), run).row_for("10.2.2")
    assert row.verdict == "fail"
    assert row.value == pytest.approx(20.0)
    assert row.shown == "CV 20.00% (machine shared)"
    assert row.note == (
        "BenchmarkNoisy: CV 20.00% (measured while other efforts may have shared the machine: mark the effort "
        "`exclusive`)"
    )


def test_stability_says_the_samples_were_taken_alone(phase10, result_of):
    result = result_of("10.2.2", benchmark_samples={"BenchmarkSteady": [100.0, 100.5, 99.5]})
    result.tested_alone, result.timing.waited["test"] = True, 4.2
    row = evaluate_gate(phase10, Gate(metric="Benchmark Stability", target="<5%"), {"10.2.2": result}).row_for("10.2.2")
    assert (row.verdict, row.shown) == ("pass", "CV 0.50% (alone on the machine)")
    assert sampled(result) == "measured alone on the machine, after waiting 4s for it"


def test_stability_with_single_samples_has_no_data(phase10, result_of):
    run = {"10.2.2": result_of("10.2.2", benchmark_samples={"BenchmarkOnce": [12.0]})}
    row = evaluate_gate(phase10, Gate(metric="Benchmark Stability", target="<5%"), run).row_for("10.2.2")
    assert (row.verdict, row.note) == ("no data", "fewer than two samples per benchmark")


# --- Chaos Recovery -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recovered", "total", "verdict"), [(12, 12, "pass"), (11, 12, "fail"), (0, 0, "no data"), (None, None, "no data")]
)
def test_chaos_recovery_needs_every_test_to_recover(phase10, result_of, recovered, total, verdict):
    run = {"10.2.3": result_of("10.2.3", chaos_recovered=recovered, chaos_total=total)}
    outcome = evaluate_gate(phase10, Gate(metric="Chaos Recovery", target="100% recovery"), run)
    assert rows(outcome) == {"10.2.3": verdict}
    if verdict == "fail":
        assert outcome.row_for("10.2.3").note == "1 of 12 did not recover"


# --- Doc Completeness -----------------------------------------------------------------------------------------------


def test_docs_fail_on_any_undocumented_api_and_name_them(phase10, clean_run, result_of):
    missing = ["Registry.Sync", "NewPlacer", "Placer.Bind", "WithRetry"]
    clean_run["10.2.4"] = result_of("10.2.4", undocumented_apis=missing)
    outcome = evaluate_gate(phase10, Gate(metric="Doc Completeness", target="All APIs documented"), clean_run)
    assert outcome.failing == ["10.2.4"]
    assert outcome.row_for("10.2.4").note == "undocumented: Registry.Sync, NewPlacer, Placer.Bind and 1 more"


def test_docs_with_a_numeric_allowance(phase10, result_of):
    run = {"10.2.4": result_of("10.2.4", undocumented_apis=["A", "B"])}
    assert evaluate_gate(phase10, Gate(metric="Doc Completeness", target="<= 2 undocumented"), run).passed
    assert not evaluate_gate(phase10, Gate(metric="Doc Completeness", target="<2"), run).passed


# --- PR Size --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("added", "deleted", "verdict"), [(760, 40, "fail"), (759, 40, "pass"), (870, 42, "fail")])
def test_pr_size_of_exactly_800_lines_fails_under_800(phase10, result_of, added, deleted, verdict):
    run = {"10.2.3": result_of("10.2.3", lines_added=added, lines_deleted=deleted)}
    outcome = evaluate_gate(phase10, Gate(metric="PR Size", target="<800 lines"), run)
    assert rows(outcome) == {"10.2.3": verdict}
    assert outcome.row_for("10.2.3").shown == f"{added + deleted} lines"


def test_pr_size_without_line_counts_is_no_data(phase10, result_of):
    run = {"10.2.3": result_of("10.2.3", lines_added=None, status="failed", failed_step="fetch")}
    row = evaluate_gate(phase10, Gate(metric="PR Size", target="<800 lines"), run).row_for("10.2.3")
    assert (row.verdict, row.note) == ("no data", "effort failed at fetch")


# --- Test Isolation -------------------------------------------------------------------------------------------------


def isolation(phase10, run):
    return evaluate_gate(phase10, Gate(metric="Test Isolation", target="No conflicts"), run)


def test_isolation_passes_a_wave_that_ran_side_by_side_apart(phase10, clean_run):
    outcome = isolation(phase10, clean_run)
    assert rows(outcome) == {"wave 1": "pass", "wave 2": "pass"}
    assert outcome.row_for("wave 2").shown == "0 conflicts, 4 efforts, 4 at once"


def test_isolation_flags_shared_namespaces_and_overlapping_ports(phase10, clean_run):
    clean_run["10.2.2"] = clean_run["10.2.2"].model_copy(update={"namespace": "integration-tests"})
    clean_run["10.2.3"] = clean_run["10.2.3"].model_copy(update={"ports": (30150, 30249)})
    row = isolation(phase10, clean_run).row_for("wave 2")
    assert (row.verdict, row.shown) == ("fail", "3 conflicts")
    assert row.note == (
        "10.2.1 and 10.2.2 share namespace integration-tests; "
        "ports of 10.2.1 30100-30199 and 10.2.3 30150-30249 overlap; "
        "ports of 10.2.2 30200-30299 and 10.2.3 30150-30249 overlap"
    )


def test_isolation_fails_when_an_effort_of_the_wave_failed(phase10, clean_run, result_of):
    clean_run["10.2.1"] = result_of("10.2.1", start_min=42, tests_failed=2)
    row = isolation(phase10, clean_run).row_for("wave 2")
    # Failed tests are what interference looks like, but no conflict was seen: the row says which it saw.
    assert (row.verdict, row.shown, row.note) == ("fail", "1 failed effort", "10.2.1: 2 tests failed")


def test_isolation_not_exercised_when_the_wave_ran_one_at_a_time(phase10, result_of):
    run = {
        "10.2.1": result_of("10.2.1", start_min=0, minutes=10),
        "10.2.2": result_of("10.2.2", start_min=10, minutes=10),  # starts as the other ends: no overlap
        "10.2.3": result_of("10.2.3", start_min=0, minutes=5, memoized=True),
    }
    outcome = isolation(phase10, run)
    assert rows(outcome) == {"wave 2": "no data"}
    assert "isolation not exercised" in outcome.row_for("wave 2").note
    assert evaluate_gate(phase10, Gate(metric="Test Isolation", target="No conflicts", required=True), run).failing == [
        "wave 2"
    ]


def test_isolation_without_a_result_is_no_data(phase10, clean_run):
    clean_run["10.2.4"] = None
    row = isolation(phase10, clean_run).row_for("wave 2")
    assert (row.verdict, row.note) == ("no data", "no result: 10.2.4")


def test_efforts_left_out_of_the_run_get_no_row(phase10, clean_run):
    run = only(clean_run, "10.1.1")
    assert rows(evaluate_gate(phase10, Gate(metric="PR Size", target="<800 lines"), run)) == {"10.1.1": "pass"}
    assert rows(isolation(phase10, run)) == {"wave 1": "pass"}
