"""Reading + validating a generated 1,000-effort plan, in both formats (target: under 100 ms each)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plangen import as_markdown, as_yaml, generated_plan

from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_text
from waveflow.plan.validate import validate

TARGET_MS = 100.0


def _time(fn: Callable[[], object], repeat: int = 7) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> int:
    plan = generated_plan(1000, 20)
    texts = {"yaml": (as_yaml(plan), "gen.yaml"), "markdown": (as_markdown(plan), "gen.md")}
    baseline_ms = _time(lambda: texts["yaml"][0].encode().decode())
    rows = []
    failed = False
    for fmt, (text, name) in texts.items():
        try:
            read = read_text(text, name)
        except PlanError as exc:
            rows.append((fmt, "-", "-", "-", f"unreadable: {exc.problems[0]}"))
            failed = True
            continue
        errors = [p for p in validate(read) if p.severity == "error"]
        read_ms = _time(lambda t=text, n=name: read_text(t, n))  # type: ignore[misc]
        total_ms = _time(lambda t=text, n=name: validate(read_text(t, n)))  # type: ignore[misc]
        verdict = "ok" if total_ms < TARGET_MS and not errors else "MISSED"
        failed |= verdict != "ok"
        rows.append(
            (fmt, f"{len(read.efforts)}", f"{read_ms:.1f}", f"{total_ms:.1f}", f"{verdict} (< {TARGET_MS:g} ms)")
        )
    print(f"{'format':<10} {'efforts':>8} {'read ms':>9} {'read+validate ms':>17}  target")
    for row in rows:
        print(f"{row[0]:<10} {row[1]:>8} {row[2]:>9} {row[3]:>17}  {row[4]}")
    print(f"(baseline: decoding the YAML text itself {baseline_ms:.3f} ms; medians of 7 runs)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
