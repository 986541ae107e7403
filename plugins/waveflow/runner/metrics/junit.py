"""Test pass/fail counts from JUnit XML (pytest, go-junit-report, gotestsum, surefire...), else `go test` output."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..result import Metrics
from . import gotest
from .evidence import Evidence


@dataclass(frozen=True)
class Suite:
    name: str
    report: str
    passed: int
    failed: int  # failures and errors
    skipped: int
    failed_names: tuple[str, ...] = ()


def suites(root: ET.Element, report: str) -> list[Suite]:
    """Every <testsuite> under `root` (itself included), counted from its own <testcase> children."""
    found = []
    candidates = [root] if root.tag == "testsuite" else []
    candidates += [s for s in root.iter("testsuite") if s is not root]
    for suite in candidates:
        cases = suite.findall("testcase")
        names: tuple[str, ...] = ()
        if cases:
            failing = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
            failed = len(failing)
            names = tuple(_case_name(c) for c in failing)
            skipped = sum(1 for c in cases if c.find("skipped") is not None and c.find("failure") is None)
            passed = len(cases) - failed - skipped
        elif suite.get("tests") is not None:  # a summary-only report
            total = int(suite.get("tests", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped = int(suite.get("skipped", suite.get("disabled", 0)))
            passed = total - failed - skipped
        else:
            continue
        found.append(Suite(suite.get("name", ""), report, passed, failed, skipped, names))
    return found


def _case_name(case: ET.Element) -> str:
    """`tests.test_store::test_fill`: the class (or module) and the test, as a person would look it up."""
    name, owner = case.get("name", "?"), case.get("classname", "")
    return f"{owner}::{name}" if owner else name


def read_suites(evidence: Evidence) -> tuple[list[Suite], list[str]]:
    roots, bad = evidence.xml_roots("testsuites", "testsuite")
    found: list[Suite] = []
    for path, root in roots:
        try:
            found.extend(suites(root, evidence.show(path)))
        except ValueError as exc:  # counts that are not numbers
            bad.append(f"{evidence.show(path)}: {exc}")
    return found, bad


def collect(evidence: Evidence, metrics: Metrics) -> None:
    found, bad = read_suites(evidence)
    if found:
        metrics.tests_passed = sum(s.passed for s in found)
        metrics.tests_failed = sum(s.failed for s in found)
        metrics.failed_tests = [name for s in found for name in s.failed_names]
        metrics.sources["tests"] = ", ".join(sorted({s.report for s in found}))
        return
    counts = gotest.counts(evidence.test_output)
    if counts is not None:
        metrics.tests_passed, metrics.tests_failed = counts
        metrics.sources["tests"] = "go test output"
        return
    why = "no JUnit XML report and no `go test -v`/`-json` results in the test output"
    metrics.unavailable["tests"] = why + (f" ({'; '.join(bad)})" if bad else "")
