"""`waveflow validate` of a markdown table whose dependency cells name no effort, as a user runs it (a fresh process,
imports included), at 1,000, 2,000 and 4,000 rows. Each such cell is looked up as an effort's name; the lookup is
indexed by word, so the time grows with the rows, not with their square."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from plangen import unnamed_dependencies_table
from timing import median_seconds

ROWS = (1000, 2000, 4000)
REPEAT = 3


def main() -> int:
    print(f"{'rows':>6} {'bytes':>8} {'validate s':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in ROWS:
            path = Path(tmp) / f"table{rows}.md"
            path.write_text(unnamed_dependencies_table(rows), encoding="utf-8")
            command = [sys.executable, "-m", "waveflow.cli", "validate", str(path)]

            def validate(command: list[str] = command) -> None:
                # Exit 0: the plan is valid, its dependency cells only warned about.
                subprocess.run(command, check=True, capture_output=True, timeout=600)

            seconds = median_seconds(validate, REPEAT)
            print(f"{rows:>6} {path.stat().st_size:>8} {seconds:>11.2f}")
    print(f"(median of {REPEAT} runs each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
