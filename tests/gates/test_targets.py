from __future__ import annotations

import pytest

from waveflow.gates.targets import Target, TargetError, parse_target


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        (">80%", ">", 80.0, "%"),
        ("<5% variance", "<", 5.0, "%"),
        ("100% recovery", None, 100.0, "%"),
        ("<800 lines", "<", 800.0, "lines"),
        (">= 90 %", ">=", 90.0, "%"),
        ("≥ 75 percent", ">=", 75.0, "%"),
        ("at least 1,000 lines", ">=", 1000.0, "lines"),
        ("no more than 5% CV", "<=", 5.0, "%"),
        ("under 300 LOC", "<", 300.0, "lines"),
        ("Phase 2: >80%", ">", 80.0, "%"),
        ("0 conflicts", None, 0.0, ""),
        ("<= 2.5", "<=", 2.5, ""),
    ],
)
def test_comparisons_are_read_from_the_text(text, op, value, unit):
    target = parse_target(text)
    assert (target.op, target.value, target.unit) == (op, value, unit)
    assert str(target) == " ".join(text.split())


@pytest.mark.parametrize("text", ["All APIs documented", "No conflicts", "none", "every test passes", "Complete"])
def test_word_targets_mean_nothing_may_fall_short(text):
    target = parse_target(text)
    assert target.is_word
    assert target.threshold(default_op="<=", perfect=0.0) == ("<=", 0.0)
    assert target.threshold(default_op=">=", perfect=100.0) == (">=", 100.0)


@pytest.mark.parametrize("text", ["", "   ", "fast", "looks good to me"])
def test_text_without_a_number_or_word_target_is_refused(text):
    with pytest.raises(TargetError):
        parse_target(text)


def test_a_strict_operator_excludes_the_limit_itself():
    assert not parse_target(">80%").met(80.0, ">=", 100.0)
    assert parse_target(">80%").met(80.01, ">=", 100.0)
    assert parse_target(">=80%").met(80.0, ">=", 100.0)
    assert not parse_target("<5%").met(5.0, "<=", 0.0)
    assert parse_target("<=5%").met(5.0, "<=", 0.0)


def test_a_bare_number_points_the_way_the_metric_says():
    recovery = parse_target("100% recovery")
    assert recovery.met(100.0, ">=", 100.0)
    assert not recovery.met(99.9, ">=", 100.0)
    size = parse_target("800 lines")
    assert size.met(800.0, "<=", 0.0)
    assert not size.met(801.0, "<=", 0.0)


def test_describe_shows_the_comparison_applied():
    assert parse_target("<800 lines").describe("<=", 0.0) == "< 800 lines"
    assert parse_target(">80%").describe(">=", 100.0) == "> 80%"
    assert Target("No conflicts").describe("<=", 0.0) == "<= 0"
