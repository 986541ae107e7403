"""Collectors on real tool outputs: pytest JUnit, coverage.py JSON and Cobertura XML, pytest-benchmark JSON, go test.

Python tools run here for real; go outputs are files recorded from `go test` on fixtures/go/module (and compared
with a fresh run when go is installed).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from waveflow.runner.metrics import bench, collect, coverage, gotest
from waveflow.runner.metrics.evidence import Evidence

GO = Path(__file__).parent / "fixtures" / "go"


def evidence(root: Path, output: str = "") -> Evidence:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return Evidence(worktree=root, files=files, test_output=output)


def measure(root: Path, output: str = "", only: tuple[str, ...] = ("tests", "coverage", "benchmarks", "chaos")):
    return collect(evidence(root, output), only=only)


@pytest.fixture(scope="module")
def python_project(tmp_path_factory) -> Path:
    """A small project whose tests pass, fail, error and skip, run under coverage with benchmarks."""
    pytest.importorskip("coverage")
    pytest.importorskip("pytest_benchmark")
    root = tmp_path_factory.mktemp("project")
    (root / "calc.py").write_text(
        "def add(a, b):\n    return a + b\n\n\ndef unused(x):\n    if x:\n        return 1\n    return 2\n"
    )
    (root / "test_calc.py").write_text(
        "import pytest\nfrom calc import add\n\n"
        "def test_ok():\n    assert add(1, 2) == 3\n\n"
        "def test_ok_too():\n    assert add(0, 0) == 0\n\n"
        "def test_wrong():\n    assert add(1, 1) == 3\n\n"
        "@pytest.fixture\ndef broken():\n    raise RuntimeError('setup')\n\n"
        "def test_error(broken):\n    pass\n\n"
        "@pytest.mark.skip(reason='later')\ndef test_skipped():\n    pass\n"
    )
    (root / "chaos").mkdir()
    (root / "chaos" / "test_outage.py").write_text(
        "def test_recovers():\n    assert True\n\ndef test_recovers_again():\n    assert True\n\n"
        "def test_stays_down():\n    assert False\n"
    )
    (root / "perf").mkdir()
    (root / "perf" / "test_speed.py").write_text(
        "def test_sum(benchmark):\n    benchmark.pedantic(sum, args=(range(1000),), rounds=7, iterations=5)\n"
    )
    reports = root / "reports"
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", "--rootdir", str(root)]
    cov = [sys.executable, "-m", "coverage"]
    env_cov = {"COVERAGE_FILE": str(root / ".coverage")}

    def run(argv: list[str]) -> None:
        subprocess.run(argv, cwd=root, env={**os.environ, **env_cov}, capture_output=True, check=False)

    run([*cov, "run", "--source", str(root), "--omit", "*/test_*", "-m", *base[2:], f"--junitxml={reports}/unit.xml",
         "--benchmark-disable", "test_calc.py"])  # fmt: skip
    run([*base, f"--junitxml={reports}/chaos.xml", "-o", "junit_suite_name=chaos", "chaos"])
    run([*base, f"--benchmark-json={reports}/bench.json", "--benchmark-save-data", "perf"])
    run([*cov, "json", "-o", str(reports / "coverage.json")])
    run([*cov, "xml", "-o", str(reports / "cobertura.xml")])
    shutil.rmtree(root / "chaos" / "__pycache__", ignore_errors=True)
    return reports


def only(reports: Path, *names: str) -> Path:
    """A directory holding copies of just the named reports."""
    picked = reports.parent / ("picked-" + "-".join(n.replace(".", "_") for n in names))
    picked.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(reports / name, picked / name)
    return picked


def test_junit_counts_from_pytest(python_project):
    m = measure(only(python_project, "unit.xml"))
    assert (m.tests_passed, m.tests_failed) == (2, 2)  # a failure and an error; the skip counts neither way
    assert m.sources["tests"] == "unit.xml" and m.unavailable["chaos"]


def test_chaos_suite_by_name(python_project):
    m = measure(only(python_project, "unit.xml", "chaos.xml"))
    assert (m.chaos_total, m.chaos_recovered) == (3, 2)
    assert (m.tests_passed, m.tests_failed) == (4, 3)  # the chaos suite is a test suite too
    assert m.sources["chaos"] == "chaos.xml (chaos)"


def test_coverage_py_json_and_cobertura_agree(python_project):
    data = json.loads((python_project / "coverage.json").read_text())
    percent = data["totals"]["percent_covered"]
    assert 0 < percent < 100
    from_json = measure(only(python_project, "coverage.json"))
    from_xml = measure(only(python_project, "cobertura.xml"))
    assert from_json.coverage_percent == round(percent, 2)
    assert from_xml.coverage_percent == pytest.approx(percent, abs=0.01)
    assert from_xml.sources["coverage"] == "cobertura.xml (Cobertura XML)"


def test_pytest_benchmark_samples_and_cv(python_project):
    data = json.loads((python_project / "bench.json").read_text())
    m = measure(only(python_project, "bench.json"))
    (name, samples), = m.benchmark_samples.items()  # fmt: skip
    assert name.endswith("test_sum") and len(samples) == 7
    assert samples == data["benchmarks"][0]["stats"]["data"]
    assert m.benchmark_cv_percent == round(100 * statistics.stdev(samples) / statistics.fmean(samples), 3)


def test_go_test_verbose_and_json_give_the_same_counts():
    text = (GO / "go-test-v.txt").read_text()
    events = (GO / "go-test-json.txt").read_text()
    assert gotest.counts(text) == (4, 1)  # TestAdd, TestTotal, TestTotal/sum, TestRecoversFromDrop; Outage failed
    assert gotest.counts(events) == (4, 1)
    m = measure(GO / "module", output=text, only=("tests",))
    assert (m.tests_passed, m.tests_failed) == (4, 1) and m.sources["tests"] == "go test output"


def test_go_coverage_profile_and_output():
    assert coverage.from_go_profile((GO / "cover.out").read_text()) == 75.0
    assert coverage.from_go_output((GO / "go-test-cover.txt").read_text()) == 75.0
    assert coverage.from_go_output((GO / "go-test-cover-all.txt").read_text()) == 75.0  # [no statements] skipped
    assert coverage.from_go_output((GO / "go-test-json.txt").read_text()) is None
    profile_dir = only(GO, "cover.out")
    m = measure(profile_dir, only=("coverage",))
    assert m.coverage_percent == 75.0 and m.sources["coverage"] == "cover.out (Go cover profile)"
    shutil.rmtree(profile_dir)


def test_go_benchmarks():
    samples = bench.from_output((GO / "go-test-bench.txt").read_text())
    assert sorted(samples) == ["BenchmarkAdd", "BenchmarkTotal"]
    assert samples["BenchmarkAdd"] == [31.76, 39.89, 35.92, 36.25, 31.32]
    m = measure(GO / "module", output=(GO / "go-test-bench.txt").read_text(), only=("benchmarks",))
    worst = max(bench.cv(s) or 0 for s in samples.values())
    assert m.benchmark_cv_percent == round(worst, 3) and m.benchmark_cv_percent > 5


def test_benchmark_lines_of_any_writer_take_the_first_value(tmp_path):
    output = (
        "..\nBenchmarkFill 40 1.2500 ref/op 712000 ns/op\n"
        "BenchmarkFill 40 1.5e0 ref/op 700000 ns/op\n"
        "BenchmarkFill-2 40 1.0000 ref/op 690000 ns/op\n"
        "Benchmarks are not measured here\n"
    )
    assert bench.from_output(output) == {"BenchmarkFill": [1.25, 1.5, 1.0]}
    m = measure(tmp_path, output=output, only=("benchmarks",))
    assert m.benchmark_cv_percent == round(100 * statistics.stdev([1.25, 1.5, 1.0]) / 1.25, 3)
    assert m.sources["benchmarks"] == "benchmark lines in the test output"


@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_recorded_go_outputs_match_a_fresh_run(tmp_path):
    module = tmp_path / "module"
    shutil.copytree(GO / "module", module)
    env = {
        "GOFLAGS": "-mod=mod",
        "GOCACHE": str(tmp_path / "cache"),
        "GOPATH": str(tmp_path / "gopath"),
        "HOME": str(tmp_path),
    }

    def go(*args: str) -> str:
        done = subprocess.run(["go", *args], cwd=module, env={**os.environ, **env}, capture_output=True, text=True)
        return done.stdout + done.stderr

    assert gotest.counts(go("test", "-v", "./...")) == (4, 1)
    assert gotest.counts(go("test", "-json", "./...")) == (4, 1)
    assert coverage.from_go_output(go("test", "-cover", "./shelf/")) == 75.0
    go("test", f"-coverprofile={tmp_path / 'cover.out'}", "./shelf/")
    assert coverage.from_go_profile((tmp_path / "cover.out").read_text()) == 75.0
    samples = bench.from_output(
        go("test", "-run", "^$", "-bench", ".", "-benchtime", "1000x", "-count", "3", "./shelf/")
    )
    assert sorted(samples) == ["BenchmarkAdd", "BenchmarkTotal"] and all(len(s) == 3 for s in samples.values())


def test_malformed_reports_are_unavailable_not_a_crash(tmp_path):
    (tmp_path / "junit.xml").write_text('<?xml version="1.0"?><testsuites><testsuite name="x"><testcase')
    (tmp_path / "coverage.json").write_text('{"totals": {"percent_covered": "lots"}}')
    (tmp_path / "bench.json").write_text('{"benchmarks": [{"name": "b"}]}')
    (tmp_path / "cover.out").write_text("mode: set\nthis is not a profile line\n")
    m = measure(tmp_path, output="--- PASS but not really\nBenchmarkX 12 lots ns/op\n")
    assert m.tests_passed is None and m.coverage_percent is None and m.benchmark_cv_percent is None
    assert "junit.xml: not well-formed XML" in m.unavailable["tests"]
    assert "coverage.json: no totals.percent_covered" in m.unavailable["coverage"]
    assert "cover.out: line 2 is not `file:start,end statements count`" in m.unavailable["coverage"]
    assert "bench.json: a benchmark without `stats`" in m.unavailable["benchmarks"]
    assert m.unavailable["chaos"] == "no JUnit suite named for chaos or resilience tests"


def test_nothing_to_read(tmp_path):
    m = measure(tmp_path)
    assert set(m.unavailable) == {"tests", "coverage", "benchmarks", "chaos"}
    assert m.unavailable["coverage"].startswith("no coverage report")


def test_a_collector_bug_is_reported_not_raised(tmp_path, monkeypatch):
    from waveflow.runner import metrics

    def broken(evidence, m):
        raise KeyError("boom")

    monkeypatch.setitem(metrics.COLLECTORS, "coverage", broken)
    m = measure(tmp_path, only=("coverage",))
    assert m.unavailable == {"coverage": "collector failed: KeyError: 'boom'"}
