"""A markdown table whose dependency cells name no effort, at 1,000, 2,000 and 4,000 rows: `waveflow validate` as a
user runs it (a fresh process, imports included), and the DAG file's parse in a DagBag as Airflow does it (reading,
validating and building the DAG; 2,000 rows at most, under Airflow's import time-out). Each such cell is looked up as
an effort's name; the lookup is indexed by word, so reading grows with the rows, not with their square."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import benchenv  # noqa: F401  (a throwaway Airflow home, before Airflow is imported)
from bench_factory import COLD_PARSE
from plangen import unnamed_dependencies_table
from timing import median_seconds

from waveflow.airflow.dag_files import sync

ROWS = (1000, 2000, 4000)
DAGBAG_ROWS = 2000
REPEAT = 3


def main() -> int:
    print(f"{'rows':>6} {'bytes':>8} {'validate s':>11} {'DagBag parse s':>15}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in ROWS:
            plans, dags = Path(tmp) / f"plans{rows}", Path(tmp) / f"dags{rows}"
            plans.mkdir()
            path = plans / "table.md"
            path.write_text(unnamed_dependencies_table(rows), encoding="utf-8")
            command = [sys.executable, "-m", "waveflow.cli", "validate", str(path)]

            def validate(command: list[str] = command) -> None:
                # Exit 0: the plan is valid, its dependency cells only warned about.
                subprocess.run(command, check=True, capture_output=True, timeout=600)

            seconds = median_seconds(validate, REPEAT)
            parse = f"{_dagbag_seconds(plans, dags):.2f}" if rows <= DAGBAG_ROWS else "-"
            print(f"{rows:>6} {path.stat().st_size:>8} {seconds:>11.2f} {parse:>15}")
    print(f"(validate: median of {REPEAT} runs; DagBag: one parse in a fresh process)")
    return 0


def _dagbag_seconds(plans: Path, dags: Path) -> float:
    sync(plans, dags)
    [dag_file] = dags.glob("plan_*.py")
    env = {**os.environ, "WAVEFLOW_PLANS_DIR": str(plans), "WAVEFLOW_BACKEND": "local"}
    argv = [sys.executable, "-c", COLD_PARSE, str(dag_file)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True, timeout=600)
    return float(done.stdout.split()[-1])


if __name__ == "__main__":
    sys.exit(main())
