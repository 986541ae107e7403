"""Wave plans in shapes other teams write (tests/plan/family/): each against the reading decided for it by the
corpus rules, scored as the corpus is. These are the project's own documents, so the test never skips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plan_scoring import convert, reads_right, scores, wrong_sizes

from waveflow.plan.errors import NotAWavePlan

FAMILY = Path(__file__).parent / "family"
EXPECTED = sorted(FAMILY.glob("*.expected.json"))


def _kind(path: Path) -> str:
    return str(json.loads(path.read_text())["kind"])


def test_the_family_holds_plans_and_decoys():
    kinds = [_kind(p) for p in EXPECTED]
    assert kinds.count("plan") >= 10 and kinds.count("not-a-plan") >= 3


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_family_plan_reads_as_expected(expected_path: Path):
    expected = json.loads(expected_path.read_text())
    source = expected_path.with_name(expected_path.name.replace(".expected.json", ".md"))
    if expected["kind"] == "not-a-plan":
        with pytest.raises(NotAWavePlan, match="not a wave plan: "):
            convert(source)
        return
    reading = convert(source)
    got = scores(expected, reading)
    assert reads_right(got), got
    assert not wrong_sizes(expected, reading)
