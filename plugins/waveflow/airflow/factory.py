"""A validated plan becomes one DAG: a task group per wave, a task per effort, a landing sensor between waves, and the
quality gates at the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from airflow.sdk import DAG, BaseOperator, TaskGroup, TriggerRule
from airflow.sdk.definitions._internal.node import DAGNode

from ..plan.load import paused_gc
from ..plan.model import Effort, Plan, Wave, task_id
from ..plan.schedule import topological_order
from .assets import dag_schedule
from .doc import plan_doc
from .effort_env import RETRY_BACKOFF, repo_url
from .effort_tasks import EffortTasks
from .gate_tasks import add_quality_gates
from .loading import load_valid_plan
from .params import run_params
from .paths import plans_dir
from .preflight_tasks import add_preflight
from .status import wave_deadlines
from .wave_gate import WaveLandedSensor

START_DATE = datetime(2025, 1, 1, tzinfo=UTC)


def plan_dag(plan_file: str) -> DAG:
    """The DAG of one plan file, named relative to the plans directory (what the per-plan DAG files call)."""
    path = plans_dir() / plan_file
    return build_dag(load_valid_plan(path), path)


def build_dag(plan: Plan, path: Path) -> DAG:
    with paused_gc():
        return _build_dag(plan, path)


def _build_dag(plan: Plan, path: Path) -> DAG:
    with DAG(
        dag_id=plan.name,
        description=plan.title or None,
        schedule=dag_schedule(plan),
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        doc_md=plan_doc(plan, path.name),
        tags=["waveflow", f"plan:{plan.name}"],
        deadline=wave_deadlines(plan) or None,
        default_args={"retries": plan.defaults.retries, "retry_exponential_backoff": RETRY_BACKOFF},
    ) as dag:
        order = topological_order(plan)
        effort_task = EffortTasks(plan, [f"wave_{plan.effort(e).wave}.{task_id(e)}" for e in order])
        turn_of = {e: i for i, e in enumerate(order)}
        tasks: dict[str, BaseOperator] = {}
        previous: DAGNode = add_preflight(plan)
        previous_wave: Wave | None = None
        by_wave = plan.efforts_by_wave()
        # Waves run in the order of their numbers, whatever order the plan lists them in.
        for wave in sorted(plan.waves, key=lambda w: w.number):
            efforts = by_wave[wave.number]
            with TaskGroup(f"wave_{wave.number}", tooltip=_tooltip(wave)) as group:
                for effort in efforts:
                    tasks[effort.id] = effort_task(effort, turn_of[effort.id])
            for effort in efforts:
                for dep in effort.depends_on:
                    _depend(tasks[effort.id], on=tasks[dep])
            if previous_wave is not None:
                first, last = _between_waves(plan, previous_wave, by_wave[previous_wave.number], wave)
                _link(previous, first)
                previous = last
            _link(previous, group)
            previous, previous_wave = group, wave
        _link(previous, add_quality_gates(plan, {e: t.task_id for e, t in tasks.items()}))
    # Given to the DAG up front, the params would be deep-copied into every task as it is made (once per class of its
    # operator); a task reads the DAG's params at run time anyway, under its own.
    dag.params = run_params(plan)  # type: ignore[assignment]
    return dag


def _depend(task: BaseOperator, on: BaseOperator) -> None:
    """`on >> task`, for two tasks already in one DAG. `>>` first gathers the DAGs of both tasks in a set, and a
    DAG's hash lists every one of its task ids: linear in the DAG's size per edge, quadratic over a plan."""
    on.downstream_task_ids.add(task.task_id)
    task.upstream_task_ids.add(on.task_id)


def _link(upstream: DAGNode, downstream: DAGNode) -> None:
    """`upstream >> downstream` for tasks and task groups already in one DAG: the group bookkeeping the graph view
    draws from, as `>>` keeps it, and an edge from each last task before to each first task after, without `>>`'s
    hashing of the DAG per task (see `_depend`)."""
    if isinstance(upstream, TaskGroup):
        upstream.update_relative(downstream, upstream=False)
    leaves, roots = upstream.leaves, downstream.roots
    for leaf in leaves:
        if isinstance(downstream, TaskGroup):
            downstream.update_relative(leaf, upstream=True)
        for root in roots:
            _depend(root, on=leaf)  # type: ignore[arg-type]


def _tooltip(wave: Wave) -> str:
    parts = [f"Wave {wave.number}: {wave.name}"]
    if wave.duration:
        parts.append(f"planned {wave.duration.min_hours:g}-{wave.duration.max_hours:g} h")
    if wave.agents is not None:
        parts.append(f"{wave.agents} agents")
    return " · ".join(parts)


def _between_waves(
    plan: Plan, done: Wave, done_efforts: list[Effort], following: Wave
) -> tuple[BaseOperator, BaseOperator]:
    """The landing sensor, then (if the plan asks for one) a person's approval: the first and last task between."""
    gate = plan.wave_gate
    sensor = WaveLandedSensor(
        task_id=f"wave_{done.number}_landed",
        wave=done.number,
        efforts={e.id: plan.branch_of(e) for e in done_efforts},
        repo=repo_url(plan),
        base_ref=f"{{{{ params.base_ref or '{plan.base_ref}' }}}}",
        landing_mode=gate.mode,
        poke_interval=gate.poke_interval_seconds,
        timeout=gate.timeout_minutes * 60,
        trigger_rule=TriggerRule.NONE_FAILED,
        doc_md=f"Holds wave {following.number} until every effort of wave {done.number} has landed ({gate.mode}).",
    )
    if not gate.checkpoint:
        return sensor, sensor
    from airflow.providers.standard.operators.hitl import ApprovalOperator

    approval = ApprovalOperator(
        task_id=f"wave_{following.number}_approval",
        subject=f"{plan.name}: start wave {following.number} ({following.name})?",
        body=f"Wave {done.number} has landed. Review its branches, then approve wave {following.number}.",
        execution_timeout=timedelta(hours=24),
    )
    sensor >> approval
    return sensor, approval
