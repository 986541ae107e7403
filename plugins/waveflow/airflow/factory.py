"""A plan file becomes one DAG: read and validated, described as a `DagSpec`, then materialized."""

from __future__ import annotations

from pathlib import Path

from airflow.sdk import DAG

from ..plan.model import Plan
from .loading import load_valid_plan
from .materialize import materialize
from .paths import plans_dir
from .plan_spec import dag_spec


def plan_dag(plan_file: str) -> DAG:
    """The DAG of one plan file, named relative to the plans directory (what the per-plan DAG files call)."""
    path = plans_dir() / plan_file
    return build_dag(load_valid_plan(path), path)


def build_dag(plan: Plan, path: Path) -> DAG:
    return materialize(dag_spec(plan, path))
