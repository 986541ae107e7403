"""A reports directory holding two runs of a two-effort plan, written by the real report writer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from waveflow.gates.registry import evaluate_gates
from waveflow.gates.report import RunInfo, write_report
from waveflow.plan.load import read_text
from waveflow.plan.model import Plan
from waveflow.runner.result import EffortResult, Metrics, Timing

PLAN = """\
name: billing
title: Billing rewrite
backend: local
waves:
  - {number: 1, name: Ledger}
efforts:
  - {id: "1.1", name: Ledger core, wave: 1, branch: feat/ledger-core, namespace: ledger, ports: {start: 31000, end: 31009}}
  - {id: "1.2", name: Ledger API, wave: 1, branch: feat/ledger-api, namespace: ledger-api, ports: {start: 31010, end: 31019}}
gates:
  - {metric: Test Coverage, target: ">80%"}
  - {metric: PR Size, target: "<800 lines"}
"""
RUNS = {
    "manual__2025-05-01T09:00:00+00:00": (datetime(2025, 5, 1, 9, 40, tzinfo=UTC), 91.0),
    "scheduled__2025-05-02T02:00:00+00:00": (datetime(2025, 5, 2, 2, 35, tzinfo=UTC), 64.0),
}


def result(effort: str, branch: str, coverage: float, start: str, end: str) -> EffortResult:
    return EffortResult(
        plan="billing",
        effort=effort,
        status="succeeded",
        branch=branch,
        base_ref="main",
        commits=["5e1f0a2b"],
        pushed=True,
        timing=Timing(started_at=start, finished_at=end),
        metrics=Metrics(tests_passed=31, tests_failed=0, coverage_percent=coverage, lines_added=210, lines_deleted=12),
    )


@pytest.fixture(scope="session")
def billing() -> Plan:
    return read_text(PLAN, "billing.yaml")


@pytest.fixture
def reports(tmp_path: Path, billing: Plan) -> Path:
    """`<root>/billing/<run id>/report.*` for both runs; the second misses coverage on effort 1.2."""
    root = tmp_path / "reports"
    for run_id, (written_at, coverage) in RUNS.items():
        day = written_at.strftime("%Y-%m-%d")
        results: dict[str, EffortResult | None] = {
            "1.1": result("1.1", "feat/ledger-core", 90.0, f"{day}T09:00:00+00:00", f"{day}T09:20:00+00:00"),
            "1.2": result("1.2", "feat/ledger-api", coverage, f"{day}T09:01:00+00:00", f"{day}T09:30:00+00:00"),
        }
        info = RunInfo(dag_id="billing", run_id=run_id)
        write_report(billing, info, results, evaluate_gates(billing, results), root / "billing" / run_id, written_at)
    (tmp_path / "secret.txt").write_text("not for the web")
    (root / "billing" / "scratch").mkdir()  # a directory without a report is not a run
    return root
