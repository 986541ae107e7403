"""Apply one phase 10 effort's change to this checkout, as an agent would: write its files. Idempotent.

The effort is the one the task brief (WAVEFLOW_BRIEF_FILE, `# Task: <id> — <name>`) is about, else WAVEFLOW_EFFORT;
its files are under tools/efforts/<effort id>/. An effort with a first draft under tools/drafts/<effort id>/ writes
the draft when the runner says another iteration may follow (WAVEFLOW_MAX_ITERATIONS > WAVEFLOW_ITERATION), and the
finished files once the feedback (WAVEFLOW_FEEDBACK_FILE) names one of its tests: the agent's loop, seen in a demo.
Knobs (comma-separated effort ids unless said otherwise) make an effort misbehave on purpose, for tests and demos:

WAVEFLOW_DEMO_SLEEP=<seconds>      take that long (every effort)
WAVEFLOW_DEMO_LOW_COVERAGE=<ids>   add untested code: total coverage falls under 80%
WAVEFLOW_DEMO_BIG=<ids>            add a data module of more than 800 lines
WAVEFLOW_DEMO_UNDOCUMENTED=<ids>   add a public function without a docstring
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EFFORTS = ROOT / "tools" / "efforts"
DRAFTS = ROOT / "tools" / "drafts"
_TASK = re.compile(r"^# Task: (?P<effort>\S+) ", re.MULTILINE)


def listed(var: str, effort: str) -> bool:
    return effort in {s.strip() for s in os.environ.get(var, "").split(",") if s.strip()}


def write(path: Path, text: str) -> bool:
    """Write `text` unless the file already holds it; True when something changed."""
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def untested_module(count: int = 60) -> str:
    functions = [
        f'def rule_{n}(value: int) -> int:\n    """Distance from {n}."""\n'
        f"    if value > {n}:\n        return value - {n}\n    return {n} - value\n"
        for n in range(count)
    ]
    return '"""Pricing rules nobody tested yet."""\n\n\n' + "\n\n".join(functions)


def big_module(rows: int = 900) -> str:
    lines = [f'    ("sku-{n:04d}", {n % 97}),' for n in range(rows)]
    return '"""The catalog: SKU and shelf number."""\n\nCATALOG = (\n' + "\n".join(lines) + "\n)\n"


def undocumented_module() -> str:
    return '"""Extras."""\n\n\ndef restock_all(store, quantity):\n    return [store.add(s, quantity) for s in ()]\n'


def read(var: str) -> str:
    path = os.environ.get(var)
    return Path(path).read_text() if path and Path(path).is_file() else ""


def which_effort() -> str:
    task = _TASK.search(read("WAVEFLOW_BRIEF_FILE"))
    return task["effort"] if task else os.environ.get("WAVEFLOW_EFFORT", "")


def files_of(source: Path) -> dict[Path, str]:
    return {
        ROOT / p.relative_to(source): p.read_text()
        for p in sorted(source.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def first_draft(effort: str, source: Path) -> bool:
    """Write the draft: there is one, another iteration may follow, and the feedback names none of its tests."""
    iteration = int(os.environ.get("WAVEFLOW_ITERATION") or 1)
    if not (DRAFTS / effort).is_dir() or int(os.environ.get("WAVEFLOW_MAX_ITERATIONS") or 1) <= iteration:
        return False
    feedback = read("WAVEFLOW_FEEDBACK_FILE")
    named = [t.stem for t in source.rglob("test_*.py") if t.stem in feedback]
    if named:
        print(f"apply_effort: {effort}: the feedback names failing tests of {', '.join(named)}: finishing the work")
    return not named


def main() -> int:
    effort = which_effort()
    source = EFFORTS / effort
    if not effort or not source.is_dir():
        known = ", ".join(sorted(p.name for p in EFFORTS.iterdir() if p.is_dir()))
        print(f"apply_effort: no change for effort {effort!r} (known: {known})", file=sys.stderr)
        return 2
    time.sleep(float(os.environ.get("WAVEFLOW_DEMO_SLEEP") or 0))
    files = files_of(source)
    if first_draft(effort, source):
        print(f"apply_effort: {effort}: writing a first draft (an iteration with feedback may follow)")
        files.update(files_of(DRAFTS / effort))
    slug = re.sub(r"\W+", "_", effort)
    if listed("WAVEFLOW_DEMO_LOW_COVERAGE", effort):
        files[ROOT / f"src/shelf/untested_{slug}.py"] = untested_module()
    if listed("WAVEFLOW_DEMO_BIG", effort):
        files[ROOT / f"src/shelf/catalog_{slug}.py"] = big_module()
    if listed("WAVEFLOW_DEMO_UNDOCUMENTED", effort):
        files[ROOT / f"src/shelf/extras_{slug}.py"] = undocumented_module()
    changed = [path for path, text in files.items() if write(path, text)]
    for path in changed:
        print(f"apply_effort: {effort}: wrote {path.relative_to(ROOT)}")
    if not changed:
        print(f"apply_effort: {effort}: already applied, nothing to change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
