"""What a pull request says: the plan's brief and acceptance criteria, what the run measured and judged, the agent's
iterations and cost, the report's link; one per succeeded effort, or one per wave on its integration branch."""

from __future__ import annotations

from waveflow.gates.pull_requests import MARKER, pull_requests
from waveflow.gates.registry import evaluate_gates
from waveflow.plan.model import Integration, Review

URL = "https://airflow.example.com/dags/phase10/runs/r1"


def test_one_per_succeeded_effort_a_draft_while_a_gate_fails(phase10, clean_run, result_of):
    plan = phase10.model_copy(update={"review": Review(repository="acme/app")})
    clean_run["10.2.2"] = result_of("10.2.2", start_min=42.5, minutes=50, coverage_percent=72.5)
    clean_run["10.2.4"] = result_of("10.2.4", start_min=42, minutes=25, status="failed", failed_step="test")
    outcomes = evaluate_gates(plan, clean_run)
    prs = pull_requests(plan, clean_run, {}, outcomes, URL, "r1")
    assert [p.efforts for p in prs] == [("10.1.1",), ("10.2.1",), ("10.2.2",), ("10.2.3",)]
    assert not any(p.ready for p in prs)
    two = next(p for p in prs if p.efforts == ("10.2.2",))
    effort = plan.effort("10.2.2")
    assert (two.head, two.base, two.title) == (effort.branch, clean_run["10.2.2"].base_ref, f"10.2.2: {effort.name}")
    assert effort.brief.strip().splitlines()[0] in two.body
    assert "| Test Coverage | 72.5% | > 80% | fail |" in two.body
    assert "Draft: gates failed in this run: Test Coverage" in two.body and URL in two.body
    assert two.body.rstrip().endswith(MARKER)


def test_ready_when_every_gate_passes(phase10, clean_run):
    plan = phase10.model_copy(update={"review": Review(repository="acme/app")})
    prs = pull_requests(plan, clean_run, {}, evaluate_gates(plan, clean_run), URL, "r1")
    assert len(prs) == 5 and all(p.ready for p in prs)
    assert "Every gate of the run passed." in prs[0].body


def test_one_per_wave_on_its_integration_branch(phase10, clean_run, result_of):
    plan = phase10.model_copy(
        update={"integration": Integration(), "review": Review(repository="acme/app", per="wave")}
    )
    merged = result_of("10.1.1", start_min=50, minutes=1).model_copy(
        update={"effort": "integration-wave-2", "branch": "waveflow/phase10/integration-wave-2"}
    )
    prs = pull_requests(plan, clean_run, {"integration-wave-2": merged}, evaluate_gates(plan, clean_run), URL, "r1")
    assert [(p.head, p.base, p.efforts) for p in prs] == [
        ("waveflow/phase10/integration-wave-2", "main", ("10.2.1", "10.2.2", "10.2.3", "10.2.4"))
    ]
    assert prs[0].title.startswith("Wave 2: ") and "### 10.2.3:" in prs[0].body
