"""Reading + validating generated plans of real sizes (40 efforts in 7 waves, 200 in 20), in both formats (target:
under 50 ms each); then two markdown documents read alone: a generated plan of 1,000 efforts in 50 waves (target:
under 100 ms), and the largest document of the shared corpus of real plans beside the checkout (target: under 50 ms;
left out when the corpus is absent).

Each format's baseline is its bare parser over the same text (libyaml's node tree; markdown-it's block pass), timed
in the same run, so the ratio shows what reading the plan costs on top of parsing the file.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from plangen import as_markdown, as_yaml, generated_plan

from waveflow.plan.convert import to_reading
from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_text
from waveflow.plan.markdown.blocks import parse_blocks
from waveflow.plan.validate import validate

TARGET_MS = 50.0
SIZES = ((40, 7), (200, 20))
LARGE = (1000, 50)
LARGE_TARGET_MS = 100.0
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _clear_reader_caches() -> None:
    """Every read is timed as a first read: the readers' memoized helpers start empty."""
    for name, module in list(sys.modules.items()):
        if name.startswith("waveflow.plan"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def _time(fn: Callable[[], object], repeat: int = 15, warmup: int = 3) -> tuple[float, float]:
    """(median, fastest) in ms."""
    # The first calls of a process pay for growing its heap; the samples are of reads once it is grown.
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        _clear_reader_caches()
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples)


def main() -> int:
    rows: list[tuple[str, ...]] = []
    failed = False
    for efforts, waves in SIZES:
        size_rows, size_failed = _rows(efforts, waves)
        rows += size_rows
        failed |= size_failed
    large = as_markdown(generated_plan(*LARGE))
    row, row_failed = _markdown_row("markdown", large, "large.md", LARGE_TARGET_MS)
    rows.append(row)
    failed |= row_failed
    documents = sorted(CORPUS.glob("*.md"), key=lambda p: p.stat().st_size) if CORPUS.is_dir() else []
    if documents:
        largest = documents[-1]
        row, row_failed = _markdown_row("corpus", largest.read_text(), largest.name, TARGET_MS)
        rows.append(row)
        failed |= row_failed
        print(f"corpus: the largest document of {CORPUS.name}, {largest.name}")
    print(
        f"{'format':<10} {'efforts':>8} {'parse ms':>9} {'read ms':>8} {'read+validate ms':>17} {'fastest':>8}"
        f" {'vs parse':>9}  target (on the median)"
    )
    for row in rows:
        target = row[8] if len(row) > 8 else f"{TARGET_MS:g}"
        print(
            f"{row[0]:<10} {row[1]:>8} {row[2]:>9} {row[3]:>8} {row[4]:>17} {row[5]:>8} {row[6]:>9}"
            f"  {row[7]} (< {target} ms)"
        )
    print("(medians of 15 reads after 3 unmeasured ones, each with the readers' caches emptied)")
    return 1 if failed else 0


def _rows(efforts: int, waves: int) -> tuple[list[tuple[str, ...]], bool]:
    plan = generated_plan(efforts, waves)
    cases = {
        "yaml": (as_yaml(plan), "gen.yaml", lambda t: yaml.compose(t, Loader=_Loader)),
        "markdown": (as_markdown(plan), "gen.md", parse_blocks),
    }
    readings = {}
    rows: list[tuple[str, ...]] = []
    failed = False
    for fmt, (text, name, parse) in cases.items():
        try:
            read = read_text(text, name)
        except PlanError as exc:
            rows.append((fmt, "-", "-", "-", "-", "-", "-", f"unreadable: {exc.problems[0]}"))
            failed = True
            continue
        readings[fmt] = to_reading(read)["efforts"]
        errors = [p for p in validate(read) if p.severity == "error"]
        base_ms = _time(lambda t=text, p=parse: p(t))[0]  # type: ignore[misc]
        read_ms = _time(lambda t=text, n=name: read_text(t, n))[0]  # type: ignore[misc]
        total_ms, fastest_ms = _time(lambda t=text, n=name: validate(read_text(t, n)))  # type: ignore[misc]
        verdict = "ok" if total_ms < TARGET_MS and not errors and len(read.efforts) == efforts else "MISSED"
        failed |= verdict != "ok"
        ratio = f"{total_ms / base_ms:.1f}x"
        figures = [f"{base_ms:.1f}", f"{read_ms:.1f}", f"{total_ms:.1f}", f"{fastest_ms:.1f}", ratio]
        rows.append((fmt, str(len(read.efforts)), *figures, verdict))
    if readings.get("yaml") != readings.get("markdown"):
        rows.append(("both", str(efforts), "-", "-", "-", "-", "-", "MISSED: the formats read to different efforts"))
        failed = True
    return rows, failed


def _markdown_row(label: str, text: str, name: str, target_ms: float) -> tuple[tuple[str, ...], bool]:
    """One markdown document: read + validate against its target, and against markdown-it's block pass."""
    try:
        read = read_text(text, name)
    except PlanError as exc:
        return (label, "-", "-", "-", "-", "-", "-", f"unreadable: {exc.problems[0]}", f"{target_ms:g}"), True
    base_ms = _time(lambda: parse_blocks(text))[0]
    read_ms = _time(lambda: read_text(text, name))[0]
    total_ms, fastest_ms = _time(lambda: validate(read_text(text, name)))
    verdict = "ok" if total_ms < target_ms else "MISSED"
    figures = (f"{base_ms:.1f}", f"{read_ms:.1f}", f"{total_ms:.1f}", f"{fastest_ms:.1f}", f"{total_ms / base_ms:.1f}x")
    return (label, str(len(read.efforts)), *figures, verdict, f"{target_ms:g}"), verdict != "ok"


if __name__ == "__main__":
    sys.exit(main())
