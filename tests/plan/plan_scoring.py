"""How a reading is scored against an expected one, as the corpus of real plans defines it: efforts matched by
branch, else id, else name; a plan reads right when the effort-set F1 >= 0.95, wave membership >= 0.95 and the
dependency-edge F1 >= 0.90. Shared by the corpus test and the family test so both score alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from waveflow.plan.convert import to_reading
from waveflow.plan.load import read_text
from waveflow.plan.validate import check

Reading = dict[str, Any]
THRESHOLDS = {"efforts": 0.95, "waves": 0.95, "deps": 0.90}


def _key(effort: dict[str, Any]) -> str:
    return str(effort.get("branch") or effort.get("id") or effort.get("name") or "").lower()


def _f1(expected: set[Any], got: set[Any]) -> float:
    if not expected and not got:
        return 1.0
    hits = len(expected & got)
    return 2 * hits / (len(expected) + len(got))


def _edges(reading: Reading) -> set[tuple[str, str]]:
    keys = {e["id"]: _key(e) for e in reading["efforts"]}
    return {(keys.get(d, d.lower()), _key(e)) for e in reading["efforts"] for d in e["depends_on"]}


def scores(expected: Reading, got: Reading) -> dict[str, float]:
    return {
        "efforts": _f1({_key(e) for e in expected["efforts"]}, {_key(e) for e in got["efforts"]}),
        "waves": _f1(
            {(_key(e), e["wave"]) for e in expected["efforts"]}, {(_key(e), e["wave"]) for e in got["efforts"]}
        ),
        "deps": _f1(_edges(expected), _edges(got)),
    }


def wrong_sizes(expected: Reading, got: Reading) -> list[str]:
    """Efforts of both readings whose planned lines differ (the scoring leaves sizes out; the runner's budget does
    not)."""
    read = {_key(e): e.get("lines") for e in got["efforts"]}
    return [
        f"{_key(e)}: {read[_key(e)]} lines, expected {e.get('lines')}"
        for e in expected["efforts"]
        if _key(e) in read and read[_key(e)] != e.get("lines")
    ]


def reads_right(got: dict[str, float]) -> bool:
    return all(got[part] >= floor for part, floor in THRESHOLDS.items())


def convert(path: Path) -> Reading:
    """What `waveflow convert` prints: read, validated (no errors), as the normalized reading."""
    plan = read_text(path.read_text(encoding="utf-8"), str(path))
    check(plan)
    return to_reading(plan)
