"""The report page as a browser renders it: headless Chromium dumps its DOM and takes a screenshot (a test artifact)."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.chromium import CHROMIUM, cli_flags

from waveflow.gates.registry import evaluate_gates
from waveflow.gates.report import RunInfo, write_report

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (apt-get install chromium)"),
]


def chromium(tmp_path: Path, *args: str) -> str:
    flags = cli_flags(tmp_path)
    done = subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


class Dom(HTMLParser):
    """The rendered DOM, reduced to what the assertions read: element counts, text per id, table cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.cells: list[str] = []
        self.by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self._open.append((tag, dict(attrs).get("id")))
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        while self._open and self._open[-1][0] != tag:
            self._open.pop()
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        for _, ident in self._open:
            if ident:
                self.by_id[ident] = self.by_id.get(ident, "") + data


def test_report_renders_in_chromium(phase10, clean_run, result_of, tmp_path, repo_root):
    clean_run["10.2.2"] = result_of("10.2.2", start_min=42.5, minutes=50, coverage_percent=72.5)
    clean_run["10.2.3"] = result_of("10.2.3", start_min=43, minutes=70, lines_added=870, lines_deleted=42)
    run = RunInfo(dag_id="waveflow_phase10", run_id="manual__2025-03-04T02:00:00+00:00")
    paths = write_report(phase10, run, clean_run, evaluate_gates(phase10, clean_run), tmp_path / "report")
    url = paths.html.resolve().as_uri()

    dom = Dom()
    dom.feed(chromium(tmp_path, "--dump-dom", url))
    assert dom.tags["svg"] == 1 and dom.tags["rect"] >= 2 * len(phase10.efforts)
    assert dom.tags.get("script", 0) == 0
    assert dom.by_id["run-id"] == "manual__2025-03-04T02:00:00+00:00"
    assert "gates failed: Test Coverage (10.2.2); PR Size (10.2.3)" in " ".join(dom.by_id["verdict"].split())
    assert "Critical path estimate: 10.1.1 → 10.2.1" in dom.by_id["schedule"]
    assert "72.5%" in dom.cells and "912 (+870 −42)" in dom.cells
    assert dom.cells.count("fail") == 4  # each of the two failures in the verdicts matrix and in its gate table

    artifacts = repo_root / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "report.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, "--window-size=1300,1600", "--hide-scrollbars", f"--screenshot={shot}", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
