"""Malformed and mutated YAML plans: only the project's own error type ever comes out."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_text
from waveflow.plan.validate import validate

SEED = (Path(__file__).resolve().parents[2] / "include/plans/phase10.yaml").read_text()
LINES = SEED.splitlines(keepends=True)


def _read(text: str) -> None:
    try:
        plan = read_text(text, "fuzz.yaml")
    except PlanError as exc:
        assert exc.problems and all(p.path == "fuzz.yaml" for p in exc.problems)
        return
    for problem in validate(plan):
        assert problem.path == "fuzz.yaml"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_plans(data):
    lines = list(LINES)
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "mutate", "indent"]))
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif lines[i]:
            k = data.draw(st.integers(0, len(lines[i]) - 1))
            char = data.draw(st.sampled_from([*":-[]{}\"'#&*!|>%@`,0x\t\n", "\x00", "é"]))
            lines[i] = lines[i][:k] + char + lines[i][k + 1 :]
    _read("".join(lines))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    _read(text)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )
)
def test_arbitrary_yaml_values(value):
    _read(yaml.safe_dump({"name": "x", "waves": value, "efforts": value}))
