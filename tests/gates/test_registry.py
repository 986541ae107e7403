from __future__ import annotations

import textwrap
from importlib.metadata import EntryPoint

import pytest

from waveflow.cli import main
from waveflow.gates import registry
from waveflow.gates.registry import builtin_for, evaluate_gate, gate_problems
from waveflow.plan.load import read_text
from waveflow.plan.model import Gate

CUSTOM = '''
from waveflow.gates.evaluator import GateContext, Scale, per_effort
from waveflow.gates.outcome import Row

SCALE = Scale(default_op="<=", perfect=0.0, units=frozenset({""}))


def p95_latency(ctx: GateContext) -> list[Row]:
    """Reads a benchmark's slowest sample as the latency."""
    def measure(result):
        samples = result.metrics.benchmark_samples.get("BenchmarkSchedule")
        return (max(samples), f"{max(samples):g} ms", "too slow") if samples else (None, "", "")
    return per_effort(ctx, SCALE, measure)


def broken(ctx):
    raise RuntimeError("metrics store unreachable")


def not_rows(ctx):
    return ["ok"]
'''


@pytest.fixture
def custom_module(tmp_path, monkeypatch):
    (tmp_path / "team_gates.py").write_text(CUSTOM)
    monkeypatch.syspath_prepend(str(tmp_path))
    return "team_gates"


@pytest.mark.parametrize(
    ("metric", "name"),
    [
        ("Test Coverage", "Test Coverage"),
        ("coverage", "Test Coverage"),
        ("code-coverage", "Test Coverage"),
        ("BENCHMARK STABILITY", "Benchmark Stability"),
        ("chaos", "Chaos Recovery"),
        ("Documentation", "Doc Completeness"),
        ("PR size", "PR Size"),
        ("pr_size", "PR Size"),
        ("Test isolation", "Test Isolation"),
    ],
)
def test_metric_names_match_loosely(metric, name):
    found = builtin_for(metric)
    assert found is not None and found.name == name


def test_unknown_metric_is_not_matched():
    assert builtin_for("Latency") is None


def plan_with(gates: str):
    text = "name: demo\nwaves:\n  - {number: 1, name: One}\nefforts:\n  - {id: a, name: A, wave: 1}\ngates:\n"
    return read_text(text + textwrap.dedent(gates), "plan.yaml")


def test_the_shipped_plan_has_no_gate_problems(phase10):
    assert gate_problems(phase10) == []


def test_unknown_metric_and_unreadable_target_are_errors_at_their_lines():
    plan = plan_with("""\
      - {metric: Test Coverage, target: ">80%"}
      - metric: Latency
        target: "<200ms"
      - metric: PR Size
        target: small please
      - {metric: Test Coverage}
      - {metric: PR Size, target: "<80%"}
    """)
    assert [str(p) for p in gate_problems(plan)] == [
        "plan.yaml:8: error: gate 'Latency': unknown metric; the built-in metrics are Test Coverage, Benchmark "
        "Stability, Chaos Recovery, Doc Completeness, PR Size, Test Isolation, Agent Cost; for another, name a function with "
        "`evaluator: module:function` or register one in the entry point group waveflow.gates",
        "plan.yaml:11: error: gate 'PR Size': cannot read target 'small please': write a comparison such as `>80%`, "
        "`<5% variance`, `<800 lines`, `>= 90 %`, or a word target such as `All APIs documented` or `No conflicts`",
        "plan.yaml:12: error: gate 'Test Coverage': the Test Coverage gate needs a target, e.g. `>80%`",
        "plan.yaml:13: error: gate 'PR Size': target '<80%' is in %; PR Size takes a plain number or lines",
    ]


def test_builtins_with_a_natural_target_need_none():
    plan = plan_with("""\
      - {metric: Test Isolation}
      - {metric: Doc Completeness}
      - {metric: Chaos Recovery}
    """)
    assert gate_problems(plan) == []


def test_custom_evaluator_by_module_and_function(phase10, clean_run, result_of, custom_module):
    plan = plan_with(f"""\
      - {{metric: Latency, target: "<= 101 ms", evaluator: "{custom_module}:p95_latency"}}
    """)
    assert gate_problems(plan) == []
    clean_run["10.2.2"] = result_of("10.2.2", benchmark_samples={"BenchmarkSchedule": [99.0, 130.0]})
    outcome = evaluate_gate(phase10, plan.gates[0], clean_run)
    assert outcome.failing == ["10.2.2"]
    assert outcome.row_for("10.2.2").shown == "130 ms"
    assert outcome.row_for("10.1.1").verdict == "pass"


def test_custom_evaluator_that_does_not_import_is_a_validation_error(custom_module):
    plan = plan_with("""\
      - {metric: Latency, target: "<1s", evaluator: "no_such_module_here:fn"}
      - {metric: Latency, target: "<1s", evaluator: "team_gates:missing"}
      - {metric: Latency, target: "<1s", evaluator: "team_gates"}
    """)
    messages = [p.message for p in gate_problems(plan)]
    assert messages[0].startswith(
        "gate 'Latency': evaluator 'no_such_module_here:fn': cannot import no_such_module_here"
    )
    assert messages[1] == "gate 'Latency': evaluator 'team_gates:missing': team_gates has no missing"
    assert messages[2] == "gate 'Latency': evaluator 'team_gates' must be written module:function"


def test_custom_evaluator_by_entry_point(monkeypatch, phase10, clean_run, custom_module):
    ep = EntryPoint(name="p95 latency", value=f"{custom_module}:p95_latency", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [ep] if group == registry.ENTRY_POINT_GROUP else [])
    gate = Gate(metric="P95 Latency", target="<200")
    assert gate_problems(plan_with("  - {metric: P95 Latency, target: '<200'}\n")) == []
    outcome = evaluate_gate(phase10, gate, clean_run)
    assert outcome.passed and len(outcome.rows) == 5


def test_a_broken_evaluator_fails_its_gate_with_the_reason(phase10, clean_run, custom_module):
    raised = evaluate_gate(phase10, Gate(metric="x", target="<1", evaluator=f"{custom_module}:broken"), clean_run)
    assert not raised.passed
    assert raised.error == "plan evaluator team_gates:broken raised RuntimeError: metrics store unreachable"
    wrong = evaluate_gate(phase10, Gate(metric="x", target="<1", evaluator=f"{custom_module}:not_rows"), clean_run)
    assert wrong.error == "plan evaluator team_gates:not_rows returned str, not Row"
    unknown = evaluate_gate(phase10, Gate(metric="Latency", target="<1"), clean_run)
    assert not unknown.passed and unknown.error.startswith("unknown metric")


def test_table_lists_every_row_for_the_task_log(phase10, clean_run, result_of):
    clean_run["10.2.3"] = result_of("10.2.3", lines_added=870, lines_deleted=42)
    clean_run["10.2.4"] = None
    table = evaluate_gate(phase10, Gate(metric="PR Size", target="<800 lines", required=True), clean_run).table()
    assert table.splitlines() == [
        "PR Size (<800 lines): FAIL: 10.2.3, 10.2.4",
        "effort  value      target       verdict  note",
        "------  ---------  -----------  -------  --------------------",
        "10.1.1  400 lines  < 800 lines  pass",
        "10.2.1  400 lines  < 800 lines  pass",
        "10.2.2  400 lines  < 800 lines  pass",
        "10.2.3  912 lines  < 800 lines  fail     912 lines (+870 -42)",
        "10.2.4  no data    < 800 lines  no data  no result",
        "no data fails this gate: it is required",
    ]


def test_cli_validate_reports_gate_problems(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(
        "name: demo\nwaves:\n  - {number: 1, name: One}\nefforts:\n  - {id: a, name: A, wave: 1}\n"
        "gates:\n  - {metric: Mood, target: good}\n"
    )
    assert main(["validate", str(path)]) == 2
    assert f"{path}:7: error: gate 'Mood': unknown metric" in capsys.readouterr().err
