"""Mutated, generated and arbitrary plans, YAML and markdown, through the readers, the validator and the DAG factory.

10,000 examples in all (the `max_examples` below add up to it): whatever the input, only `PlanError` (readers,
validator) or `PlanImportError` (factory) comes out, and every problem names the file and a line.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_pipeline import through_everything
from plan_strategies import as_markdown, as_yaml, mutated, plan_data

pytestmark = pytest.mark.slow


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@fuzz(4500)
@given(mutated("yaml"))
def test_mutated_yaml_plans(plans, text):
    through_everything(text, "mutated.yaml", plans)


@fuzz(1000)
@given(mutated("md"))
def test_mutated_markdown_plans(plans, text):
    through_everything(text, "mutated.md", plans)


@fuzz(2500)
@given(plan_data())
def test_generated_yaml_plans(plans, data):
    through_everything(as_yaml(data), "generated.yaml", plans)


@fuzz(1000)
@given(plan_data())
def test_generated_markdown_plans(plans, data):
    through_everything(as_markdown(data), "generated.md", plans)


@fuzz(1000)
@given(st.text(max_size=300), st.sampled_from(["arbitrary.yaml", "arbitrary.md"]))
def test_arbitrary_text(plans, text, name):
    through_everything(text, name, plans)


@fuzz(500)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
        max_leaves=15,
    ),
    st.sampled_from(["waves", "efforts", "gates", "defaults", "wave_gate", "name"]),
)
def test_wrong_types_anywhere(plans, value, key):
    base = yaml.safe_load(
        as_yaml({"name": "p", "waves": [{"number": 1}], "efforts": [{"id": "1", "name": "a", "wave": 1}]})
    )
    base[key] = value
    through_everything(yaml.safe_dump(base), "typed.yaml", plans)
