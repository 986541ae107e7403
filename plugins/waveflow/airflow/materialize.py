"""The one place a `DagSpec` becomes Airflow objects: the DAG, its task groups and tasks by their constructors, and
their order by `>>`."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import Any

from airflow.sdk import DAG, BaseOperator, Param, TaskGroup

from .assets import dag_schedule
from .spec import APPROVAL, CONFLICT, EFFORT, GATE, LANDED, OUTCOME, PREFLIGHT, REPORT, REVIEW, DagSpec, TaskSpec
from .status import EffortStatus, deadline_alerts

START_DATE = datetime(2025, 1, 1, tzinfo=UTC)
# Each kind's operator class, imported when a DAG has such a task (the approval operator's module is not small).
OPERATOR_CLASSES = {
    PREFLIGHT: "waveflow.airflow.preflight_tasks:PreflightOperator",
    LANDED: "waveflow.airflow.wave_gate:WaveLandedSensor",
    APPROVAL: "airflow.providers.standard.operators.hitl:ApprovalOperator",
    CONFLICT: "waveflow.airflow.conflict_task:ConflictApprovalOperator",
    GATE: "waveflow.airflow.gate_tasks:GateOperator",
    REPORT: "waveflow.airflow.report_task:ReportOperator",
    OUTCOME: "waveflow.airflow.report_task:RunOutcomeOperator",
    REVIEW: "waveflow.airflow.review_task:ReviewOperator",
}
EFFORT_CLASSES = {
    "local": "waveflow.airflow.local:LocalEffortOperator",
    "kubernetes": "waveflow.airflow.kpo:EffortPodOperator",
}


def materialize(spec: DagSpec) -> DAG:
    with DAG(
        dag_id=spec.dag_id,
        description=spec.description,
        schedule=dag_schedule(spec.cron, spec.after_phase),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=spec.max_active_runs,
        doc_md=spec.doc_md,
        tags=list(spec.tags),
        deadline=deadline_alerts(spec.dag_id, spec.wave_deadlines) or None,
        default_args=dict(spec.default_args),
        params={name: Param(p.default, **p.schema) for name, p in spec.params.items()},
    ) as dag:
        groups = {g.group_id: TaskGroup(g.group_id, tooltip=g.tooltip) for g in spec.groups}
        nodes: dict[str, Any] = dict(groups)
        for task in spec.tasks:
            nodes[task.task_id] = _construct(operator_class(task.kind, spec.backend), task, groups)
        # Edges between tasks first: a group's first and last tasks, which `>>` with a group links to, follow from them.
        for task in spec.tasks:
            for upstream in task.upstream:
                if upstream not in groups:
                    nodes[upstream] >> nodes[task.task_id]
        for task in spec.tasks:
            for upstream in task.upstream:
                if upstream in groups:
                    nodes[upstream] >> nodes[task.task_id]
        for group in spec.groups:
            for upstream in group.upstream:
                nodes[upstream] >> groups[group.group_id]
    return dag


def operator_class(kind: str, backend: str) -> type[BaseOperator]:
    module, _, name = (EFFORT_CLASSES[backend] if kind == EFFORT else OPERATOR_CLASSES[kind]).partition(":")
    cls: type[BaseOperator] = getattr(importlib.import_module(module), name)
    return cls


def _construct(cls: type[BaseOperator], task: TaskSpec, groups: dict[str, TaskGroup]) -> BaseOperator:
    args = dict(task.args)
    if task.status is not None:
        status = EffortStatus(task.status.effort_id, task.status.branch, task.status.wave)
        args.update(
            on_execute_callback=status.started, on_success_callback=status.succeeded, on_failure_callback=status.failed
        )
    group = groups[task.group] if task.group else None
    return cls(task_id=task.name, task_group=group, **args)
