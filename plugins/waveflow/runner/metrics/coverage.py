"""Coverage percent: coverage.py JSON, Cobertura XML, a Go cover profile, or `go test -cover` output, in that order."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from ..result import Metrics
from . import gotest
from .evidence import MAX_REPORT_BYTES, Evidence

_GO_PROFILE_LINE = re.compile(r"^(.+:\d+\.\d+,\d+\.\d+) (\d+) (\d+)$")
_GO_COVER_OUTPUT = re.compile(r"coverage: (\d+(?:\.\d+)?)% of statements")


def from_coveragepy(data: dict[str, object]) -> float:
    totals = data.get("totals")
    if not isinstance(totals, dict) or not isinstance(totals.get("percent_covered"), int | float):
        raise ValueError("no totals.percent_covered")
    return float(totals["percent_covered"])


def from_cobertura(root: ET.Element) -> float:
    valid, covered = root.get("lines-valid"), root.get("lines-covered")
    if valid is not None and covered is not None and int(valid) > 0:
        return 100.0 * int(covered) / int(valid)
    rate = root.get("line-rate")
    if rate is None:
        raise ValueError("no line-rate attribute")
    return 100.0 * float(rate)


def from_go_profile(text: str) -> float:
    """Statements covered over statements, blocks seen in several packages' profiles counted once."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("mode: "):
        raise ValueError("does not start with `mode:`")
    blocks: dict[str, tuple[int, bool]] = {}
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("mode: "):
            continue
        m = _GO_PROFILE_LINE.match(line)
        if not m:
            raise ValueError(f"line {n} is not `file:start,end statements count`")
        block, statements, count = m.group(1), int(m.group(2)), int(m.group(3))
        seen = blocks.get(block)
        blocks[block] = (statements, count > 0 or (seen is not None and seen[1]))
    total = sum(s for s, _ in blocks.values())
    if total == 0:
        raise ValueError("no statements")
    return 100.0 * sum(s for s, hit in blocks.values() if hit) / total


def from_go_output(output: str) -> float | None:
    """The mean of the per-package `coverage: N% of statements` lines (statement counts are not printed)."""
    found = [float(v) for v in _GO_COVER_OUTPUT.findall(gotest.text(output))]
    return sum(found) / len(found) if found else None


def _read_go_profile(path: Path) -> float:
    return from_go_profile(path.read_text(errors="replace"))


def _go_profiles(evidence: Evidence) -> list[Path]:
    profiles = []
    for path in evidence.files:
        if path.suffix.lower() in (".xml", ".json") or path.stat().st_size > MAX_REPORT_BYTES:
            continue
        with path.open("rb") as fh:
            if fh.read(6) == b"mode: ":
                profiles.append(path)
    return profiles


def _candidates(evidence: Evidence) -> Iterator[tuple[Path, str, Callable[[], float]]]:
    """Each report that may hold coverage, with its format and how to read it, in order of preference."""
    for path, data in evidence.json_reports("totals")[0]:
        yield path, "coverage.py JSON", partial(from_coveragepy, data)
    for path, root in evidence.xml_roots("coverage")[0]:
        yield path, "Cobertura XML", partial(from_cobertura, root)
    for path in _go_profiles(evidence):
        yield path, "Go cover profile", partial(_read_go_profile, path)


def collect(evidence: Evidence, metrics: Metrics) -> None:
    problems: list[str] = []
    for path, kind, read in _candidates(evidence):
        try:
            metrics.coverage_percent = round(read(), 2)
        except ValueError as exc:
            problems.append(f"{evidence.show(path)}: {exc}")
            continue
        metrics.sources["coverage"] = f"{evidence.show(path)} ({kind})"
        return
    percent = from_go_output(evidence.test_output)
    if percent is not None:
        metrics.coverage_percent = round(percent, 2)
        metrics.sources["coverage"] = "go test -cover output"
        return
    why = "no coverage report (coverage.py JSON, Cobertura XML, Go cover profile) and no `go test -cover` output"
    metrics.unavailable["coverage"] = why + (f" ({'; '.join(problems)})" if problems else "")
