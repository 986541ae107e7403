"""The shape of a plan's DAG as a dag-factory YAML config, with a one-line operator: the factory benchmark's peer.

The shape comes from the plan's data; the two groups that do not (the preflight checklist and the quality gates) are
copied from the factory's own DAG, so the two DAGs can be compared task for task and edge for edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from airflow.sdk import DAG, BaseOperator, TaskGroup, TriggerRule

from waveflow.plan.model import task_id

SCHEDULE = "0 2 * * *"


class Step(BaseOperator):
    """The simplest operator a person would write for one step of the plan."""

    def execute(self, context: Any) -> None:
        return None


@dataclass
class Task:
    name: str  # unique in the DAG: it is the Python variable and the dag-factory key
    deps: list[str] = field(default_factory=list)
    kwargs: dict[str, str] = field(default_factory=dict)


@dataclass
class Group:
    name: str
    tasks: list[Task]


@dataclass
class Shape:
    dag_id: str
    chain: list[Group | Task]  # each node runs after the one before it

    def tasks(self) -> list[Task]:
        out: list[Task] = []
        for node in self.chain:
            out.extend(node.tasks if isinstance(node, Group) else [node])
        return out


def shape_of(plan: dict[str, Any], factory_dag: DAG) -> Shape:
    """`plan` in the generated-plan form of `plangen`; `factory_dag` is the DAG Waveflow built from it."""
    effort_kwargs = {"pool": f"waveflow-{plan['name']}", "trigger_rule": "none_failed"}
    chain: list[Group | Task] = [_copied_group(factory_dag, "preflight")]
    for wave in plan["waves"]:
        n = wave["number"]
        if n > 1:
            chain.append(Task(f"wave_{n - 1}_landed", kwargs={"trigger_rule": "none_failed"}))
        efforts = [e for e in plan["efforts"] if e["wave"] == n]
        tasks = [Task(task_id(e["id"]), [task_id(d) for d in e["depends_on"]], effort_kwargs) for e in efforts]
        chain.append(Group(f"wave_{n}", tasks))
    chain.append(_copied_group(factory_dag, "quality_gates"))
    return Shape(plan["name"], chain)


def _copied_group(dag: DAG, name: str) -> Group:
    group = dag.task_group.children[name]
    assert isinstance(group, TaskGroup)
    prefix = f"{name}."
    tasks = []
    for qualified, task in group.children.items():
        assert isinstance(task, BaseOperator)
        deps = [u.removeprefix(prefix) for u in sorted(task.upstream_task_ids) if u.startswith(prefix)]
        rule = TriggerRule(task.trigger_rule)
        kwargs = {} if rule == TriggerRule.ALL_SUCCESS else {"trigger_rule": rule.value}
        tasks.append(Task(qualified.removeprefix(prefix), deps, kwargs))
    return Group(name, tasks)


def dagfactory_config(shape: Shape) -> dict[str, Any]:
    """The same DAG as a dag-factory config: task groups, tasks with `task_group_name` and `dependencies`."""
    groups: dict[str, Any] = {}
    tasks: dict[str, Any] = {}
    previous: str | None = None
    for node in shape.chain:
        after = {"dependencies": [previous]} if previous else {}
        if isinstance(node, Group):
            groups[node.name] = after
            for task in node.tasks:
                tasks[task.name] = _task_config(task, {"task_group_name": node.name})
        else:
            tasks[node.name] = _task_config(node, after)
        previous = node.name
    dag = {
        "schedule": SCHEDULE,
        "start_date": "2025-01-01",
        "catchup": False,
        "max_active_runs": 1,
        "task_groups": groups,
        "tasks": tasks,
    }
    return {shape.dag_id: dag}


def _task_config(task: Task, extra: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"operator": "dagshape.Step", **task.kwargs, **extra}
    if task.deps:
        config["dependencies"] = [*config.get("dependencies", []), *task.deps]
    return config


def edges(dag: DAG) -> dict[str, frozenset[str]]:
    """Every task of the DAG with its upstream tasks: equal for two DAGs of the same shape."""
    return {t.task_id: frozenset(t.upstream_task_ids) for t in dag.tasks}
