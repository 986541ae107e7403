"""The fuzz suite's plans directory, and the tally of what became of every generated plan (printed after the run)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from plan_pipeline import OUTCOMES, plans_dir


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with plans_dir(tmp_path_factory.mktemp("plans")) as path:
        yield path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if OUTCOMES:
        terminalreporter.section("plans through readers, validator and factory")
        for outcome, count in sorted(OUTCOMES.items()):
            terminalreporter.write_line(f"{count:7d}  {outcome}")
        terminalreporter.write_line(f"{sum(OUTCOMES.values()):7d}  in all")
