"""Run the test suites and leave their reports where Waveflow's runner looks ($WAVEFLOW_REPORTS, else reports/).

unit (tests/, under coverage)    -> junit-unit.xml
chaos (tests/chaos/, if present) -> junit-chaos.xml, a JUnit suite named `chaos`
performance (tests/performance/) -> junit-performance.xml, benchmark lines in the output (not under coverage)
coverage of unit + chaos         -> coverage.json
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPECIAL = ("chaos", "performance")


def pytest(suite: str, paths: list[str], reports: Path, *, coverage: bool, extra: tuple[str, ...] = ()) -> int:
    argv = [sys.executable]
    if coverage:
        argv += ["-m", "coverage", "run", "--append", "-m"]
    else:
        argv += ["-m"]
    argv += [
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:asyncio",
        f"--junitxml={reports / f'junit-{suite}.xml'}",
    ]
    argv += ["-o", f"junit_suite_name={suite}", *extra, *paths]
    print("+", " ".join(argv), flush=True)
    return subprocess.call(argv, cwd=ROOT)


def main() -> int:
    reports = Path(os.environ.get("WAVEFLOW_REPORTS") or ROOT / "reports").resolve()
    reports.mkdir(parents=True, exist_ok=True)
    os.environ["COVERAGE_FILE"] = str(reports / ".coverage")
    subprocess.call([sys.executable, "-m", "coverage", "erase"], cwd=ROOT)
    ignore = [f"--ignore=tests/{s}" for s in SPECIAL]
    failed = pytest("unit", ["tests", *ignore], reports, coverage=True) != 0
    if (ROOT / "tests/chaos").is_dir():
        failed |= pytest("chaos", ["tests/chaos"], reports, coverage=True) != 0
    subprocess.call([sys.executable, "-m", "coverage", "json", "-q", "-o", str(reports / "coverage.json")], cwd=ROOT)
    if (ROOT / "tests/performance").is_dir():
        failed |= pytest("performance", ["tests/performance"], reports, coverage=False) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
