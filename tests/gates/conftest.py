"""Effort results of a phase 10 run, built in code: a clean run every test bends to the case it checks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from waveflow.plan.load import read_plan
from waveflow.plan.model import Plan
from waveflow.runner.result import EffortResult, Metrics, Timing

RUN_START = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)
RUN_ID = "scheduled__2025-03-04T02:00:00+00:00"


def make_result(
    plan: Plan,
    effort_id: str,
    *,
    start_min: float = 0.0,
    minutes: float = 30.0,
    status: str = "succeeded",
    finished: bool = True,
    memoized: bool = False,
    failure_reason: str | None = None,
    failed_step: str | None = None,
    commits: int = 2,
    **metrics: Any,
) -> EffortResult:
    """A result as the runner writes it; `metrics` override a passing baseline (coverage 85%, 400 lines...)."""
    effort = plan.effort(effort_id)
    start = RUN_START + timedelta(minutes=start_min)
    base: dict[str, Any] = {
        "tests_passed": 120,
        "tests_failed": 0,
        "coverage_percent": 85.0,
        "benchmark_samples": {"BenchmarkSchedule": [100.0, 101.0, 99.0, 100.5, 99.5]},
        "chaos_total": 8,
        "chaos_recovered": 8,
        "undocumented_apis": [],
        "lines_added": 360,
        "lines_deleted": 40,
    }
    base.update(metrics)
    return EffortResult(
        plan=plan.name,
        effort=effort_id,
        run_id=RUN_ID,
        status=status,  # type: ignore[arg-type]
        failure_reason=failure_reason,
        failed_step=failed_step,
        branch=plan.branch_of(effort),
        base_ref=plan.base_ref,
        start_point="1f0c2d3e4b5a69788796a5b4c3d2e1f00f1e2d3c",
        head=(effort_id.replace(".", "") * 10)[:40],
        commits=[f"{i:02d}{effort_id.replace('.', '')}aa55" for i in range(commits)],
        pushed=status == "succeeded",
        memoized=memoized,
        namespace=effort.namespace,
        ports=(effort.ports.start, effort.ports.end) if effort.ports else None,
        timing=Timing(
            started_at=start.isoformat(),
            finished_at=(start + timedelta(minutes=minutes)).isoformat() if finished else None,
            seconds={"fetch": 4.2, "implement": minutes * 40, "test": minutes * 18},
        ),
        metrics=Metrics(**base),
    )


@pytest.fixture(scope="session")
def phase10(repo_root: Path) -> Plan:
    return read_plan(repo_root / "include" / "plans" / "phase10.yaml")


@pytest.fixture
def result_of(phase10: Plan) -> Callable[..., EffortResult]:
    """`result_of("10.2.2", coverage_percent=80.0)`: one phase 10 result with the given overrides."""
    return functools.partial(make_result, phase10)


@pytest.fixture
def clean_run(phase10: Plan) -> dict[str, EffortResult | None]:
    """Wave 1 alone, then the four wave 2 efforts side by side; every gate passes."""
    return {
        "10.1.1": make_result(phase10, "10.1.1", start_min=0, minutes=40, commits=3),
        "10.2.1": make_result(phase10, "10.2.1", start_min=42, minutes=65),
        "10.2.2": make_result(phase10, "10.2.2", start_min=42.5, minutes=50),
        "10.2.3": make_result(phase10, "10.2.3", start_min=43, minutes=70),
        "10.2.4": make_result(phase10, "10.2.4", start_min=42, minutes=25),
    }
