"""Effort tasks stamped from one template task: a plan's effort tasks share one operator class and most arguments.

Airflow parses a DAG file again at every task start, so a plan's DAG is built on the path of each of its tasks. An
operator's constructor merges the DAG's defaults once per class in its hierarchy and sends each attribute through
`BaseOperator.__setattr__`, over a hundred of them on a KubernetesPodOperator: for a large plan, most of the build.
The first task of a stamp is made by its constructor; each later one is a shallow copy of it (as Airflow's own
`prepare_for_execution` copies a task), given its own arguments through the same setters the constructor uses, and
added to the current task group and DAG the way the constructor adds it. `tests/airflow/test_stamp.py` holds every
stamped task of a plan equal to the task its constructor makes, attribute for attribute and serialized.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Generic, TypeVar

from airflow.sdk import BaseOperator
from airflow.sdk.definitions._internal.contextmanager import DagContext, TaskGroupContext
from airflow.sdk.definitions._internal.node import validate_key

T = TypeVar("T", bound=BaseOperator)


def _callbacks(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


# Arguments the constructor keeps in another form than it was given.
_AS_KEPT: dict[str, Callable[[Any], Any]] = {
    name: _callbacks
    for name in ("on_execute_callback", "on_failure_callback", "on_success_callback", "on_retry_callback")
}
_PLAIN = frozenset({str, int, float, bool, type(None), timedelta})


def _holds_no_xcom(value: Any) -> bool:
    """Plain values, and dicts and lists of them: where Airflow's search for XComArgs finds nothing."""
    kind = type(value)
    if kind in _PLAIN:
        return True
    if kind is dict:
        return all(type(v) in _PLAIN for v in value.values())
    if kind is list:
        return all(type(v) in _PLAIN for v in value)
    return False


_STORED, _STORED_IF_PLAIN, _SETTER = "stored", "stored if plain", "setter"
_KEPT_BY_THE_STAMP = frozenset({"task_id", "dag", "task_group", "params", "default_args"})


class Stamp(Generic[T]):
    """Tasks of `cls`, each made with `shared` and its own keyword arguments: `stamp(task_id=..., **own)`.

    A task's own arguments must be ones the constructor keeps as attributes of the same name (callbacks in a list):
    a copy is given them by name. `tests/airflow/test_stamp.py` checks the ones the factory passes.
    """

    def __init__(self, cls: type[T], shared: Mapping[str, Any]) -> None:
        clash = _KEPT_BY_THE_STAMP & (shared.keys() - {"task_id"})
        if clash:
            raise ValueError(
                f"a stamp takes the DAG, task group, params and defaults from its context: {sorted(clash)}"
            )
        self.cls, self.shared = cls, dict(shared)
        self._template: T | None = None
        self._settings: dict[str, str] = {}

    def __call__(self, *, task_id: str, **own: Any) -> T:
        if self._template is None:
            template = self.cls(task_id=task_id, **self.shared, **own)
            if template.upstream_task_ids:
                # XComArgs in its arguments: each copy would need the upstream edges they make, made again.
                raise ValueError(f"{template.task_id}: a stamp's arguments must not take XComArgs")
            self._template = template
            return template
        if own.keys() & self.shared.keys() or own.keys() & _KEPT_BY_THE_STAMP:
            raise ValueError(f"{sorted(own.keys() & (self.shared.keys() | _KEPT_BY_THE_STAMP))} given twice")
        return self._copy(self._template, task_id, own)

    def _setting(self, name: str) -> str:
        """How `BaseOperator.__setattr__` sets `name`. With no converter, property or other descriptor it stores the
        value as given; on a template field it first looks for XComArgs in it. Either way it also records the value
        among the task's arguments, which `_copy` records itself."""
        found = self._settings.get(name)
        if found is None:
            attribute = inspect.getattr_static(self.cls, name, None)
            if hasattr(self.cls, f"_convert_{name}") or hasattr(type(attribute), "__set__"):
                found = _SETTER
            else:
                found = _STORED_IF_PLAIN if name in self.cls.template_fields else _STORED
            self._settings[name] = found
        return found

    def _copy(self, template: T, task_id: str, own: dict[str, Any]) -> T:
        dag = DagContext.get_current()
        group = TaskGroupContext.get_current(dag) if dag else None
        if dag is None or group is None or dag is not template._dag:
            raise RuntimeError("stamped tasks are made inside the DAG (and a task group) of the first one")
        task = copy.copy(template)
        state = task.__dict__
        # The setters below record what they set in the task's own record of its arguments: not in the template's.
        kwargs = template._BaseOperator__init_kwargs  # type: ignore[attr-defined]
        state["_BaseOperator__init_kwargs"] = dict(kwargs)
        state["upstream_task_ids"], state["downstream_task_ids"] = set(), set()
        state["params"] = copy.deepcopy(template.params)
        state["_dag"], state["task_group"] = None, None
        state["task_id"] = group.child_id(task_id)
        validate_key(task.task_id)
        group.add(task)
        for name, value in own.items():
            kept = _AS_KEPT[name](value) if name in _AS_KEPT else value
            setting = self._setting(name)
            if setting == _STORED or (setting == _STORED_IF_PLAIN and _holds_no_xcom(kept)):
                state[name] = kept
            else:
                setattr(task, name, kept)
        # The arguments as given, as the constructor records them once it is done (serializing mapped tasks reads them).
        state["_BaseOperator__init_kwargs"] = {**kwargs, **own, "task_id": task_id, "task_group": group}
        task.dag = dag
        return task
