"""Stamped effort tasks are the tasks their operator's constructor makes: every attribute, and the serialized DAG."""

from __future__ import annotations

import weakref
from pathlib import Path
from types import MethodType
from typing import Any

import pytest

from waveflow.airflow.stamp import Stamp

pytestmark = pytest.mark.filterwarnings("ignore")

# Efforts that differ in every argument an effort task takes from its effort: image, resources, retries, time-out,
# namespace or none, ports or none, labels, dependencies inside and across waves, implement commands.
VARIED_PLAN = """
name: varied
backend: kubernetes
defaults: {retries: 1, timeout_minutes: 30}
waves:
  - {number: 1, name: First}
  - {number: 2, name: Second, duration: {min_hours: 1, max_hours: 3}}
efforts:
  - {id: A1, name: Base, wave: 1, branch: feat/a1, namespace: ns-a1, labels: {team: core}, ports: {start: 31000, end: 31009}}
  - {id: A2, name: Other, wave: 1, image: "tools:2", retries: 4, timeout_minutes: 5,
     resources: {cpu: "1", memory: 1Gi}, commands: {implement: [make, gen]}}
  - {id: A3, name: Third, wave: 1, depends_on: [A2], namespace: ns-a3}
  - {id: B1, name: Next, wave: 2, depends_on: [A1, A3], branch: feat/b1, labels: {test-type: chaos}}
  - {id: B2, name: Last, wave: 2, depends_on: [B1], retries: 0, ports: {start: 31010, end: 31019}}
"""


def _build(plan_file: Path, stamped: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    from waveflow.airflow.factory import build_dag
    from waveflow.airflow.loading import load_valid_plan

    with monkeypatch.context() as patch:
        if not stamped:
            # Every task by its constructor, with the arguments the stamp was given.
            def construct(self: Stamp[Any], template: Any, task_id: str, own: dict[str, Any]) -> Any:
                return self.cls(task_id=task_id, **self.shared, **own)

            patch.setattr(Stamp, "_copy", construct)
        return build_dag(load_valid_plan(plan_file), plan_file)


def _comparable(value: Any) -> Any:
    """What two equal tasks share: the same callback of equal efforts, the same group and DAG by name."""
    from airflow.sdk import DAG, TaskGroup
    from airflow.sdk.definitions.param import ParamsDict

    if isinstance(value, MethodType):
        return (value.__func__, _comparable(vars(value.__self__)))
    if isinstance(value, (*weakref.ProxyTypes, TaskGroup)):
        return ("group", value.group_id)
    if isinstance(value, DAG):
        return ("dag", value.dag_id)
    if isinstance(value, ParamsDict):
        return ("params", _comparable(value.dump()))
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_comparable(v) for v in value]
    return value


def _effort_tasks(dag: Any) -> dict[str, Any]:
    return {t.task_id: t for t in dag.tasks if hasattr(t, "effort_id")}


@pytest.mark.parametrize("backend", ["local", "kubernetes"])
@pytest.mark.parametrize("plan_name", ["phase10.yaml", "varied.yaml"])
def test_stamped_tasks_equal_constructed_ones(backend, plan_name, repo_root, tmp_path, monkeypatch):
    from airflow.serialization.serialized_objects import DagSerialization

    monkeypatch.setenv("WAVEFLOW_BACKEND", backend)
    plan_file = tmp_path / plan_name
    text = VARIED_PLAN if plan_name == "varied.yaml" else (repo_root / "include" / "plans" / plan_name).read_text()
    plan_file.write_text(text, encoding="utf-8")
    stamped, constructed = _build(plan_file, True, monkeypatch), _build(plan_file, False, monkeypatch)

    ours, theirs = _effort_tasks(stamped), _effort_tasks(constructed)
    assert ours.keys() == theirs.keys() and len(ours) >= 5
    for tid, task in ours.items():
        reference = theirs[tid]
        assert type(task) is type(reference)
        assert task.__dict__.keys() == reference.__dict__.keys(), tid
        for name, value in task.__dict__.items():
            assert _comparable(value) == _comparable(reference.__dict__[name]), f"{tid}.{name}"
        assert task.task_group.children[tid] is task and stamped.task_dict[tid] is task
    assert DagSerialization.to_dict(stamped) == DagSerialization.to_dict(constructed)


def test_stamped_tasks_share_no_state_of_their_own(repo_root, tmp_path, monkeypatch):
    monkeypatch.setenv("WAVEFLOW_BACKEND", "kubernetes")
    plan_file = tmp_path / "varied.yaml"
    plan_file.write_text(VARIED_PLAN, encoding="utf-8")
    tasks = list(_effort_tasks(_build(plan_file, True, monkeypatch)).values())
    for name in ("upstream_task_ids", "downstream_task_ids", "params", "_BaseOperator__init_kwargs", "env_vars"):
        held = [id(getattr(t, name)) for t in tasks]
        assert len(set(held)) == len(held), name
    assert {t.namespace for t in tasks} == {"ns-a1", "waveflow-varied", "ns-a3"}
    assert [t.retries for t in tasks] == [1, 4, 1, 1, 0]


def test_a_stamp_refuses_what_it_takes_from_its_context():
    from airflow.sdk import BaseOperator

    with pytest.raises(ValueError, match="task_group"):
        Stamp(BaseOperator, {"task_group": None})


def test_a_stamp_refuses_arguments_that_make_upstream_edges():
    from datetime import UTC, datetime

    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG, TaskGroup

    with DAG("xcom_args", schedule=None, start_date=datetime(2025, 1, 1, tzinfo=UTC)):
        source = BashOperator(task_id="source", bash_command="echo x")
        with TaskGroup("g"):
            stamp = Stamp(BashOperator, {"env": {"FROM": source.output}})
            with pytest.raises(ValueError, match="XComArgs"):
                stamp(task_id="first", bash_command="echo y")
