"""Chaos and resilience results: the JUnit suites whose name says chaos or resilience; a passing case recovered."""

from __future__ import annotations

import re

from ..result import Metrics
from .evidence import Evidence
from .junit import read_suites

CHAOS_SUITE = re.compile(r"chaos|resilien", re.IGNORECASE)


def collect(evidence: Evidence, metrics: Metrics) -> None:
    found, _ = read_suites(evidence)
    chaos = [s for s in found if CHAOS_SUITE.search(s.name)]
    if not chaos:
        metrics.unavailable["chaos"] = "no JUnit suite named for chaos or resilience tests"
        return
    metrics.chaos_total = sum(s.passed + s.failed for s in chaos)
    metrics.chaos_recovered = sum(s.passed for s in chaos)
    metrics.sources["chaos"] = ", ".join(sorted({f"{s.report} ({s.name})" for s in chaos}))
