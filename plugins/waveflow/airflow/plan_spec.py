"""A validated plan as a `DagSpec`: the preflight checks, a group per wave with a task per effort, a landing sensor
(and a person's approval, if the plan asks) between waves, and the quality gates at the end. No Airflow import."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..plan.counting import count
from ..plan.model import Effort, Plan, Wave, integration_id, task_id
from ..plan.schedule import topological_order
from .doc import plan_doc
from .effort_env import (
    RETRY_BACKOFF,
    backend,
    base_ref_template,
    execution_timeout,
    integration_env,
    repo_credentials,
    repo_url,
    retries,
    runner_env,
)
from .pool import pool_name
from .spec import (
    APPROVAL,
    CONFLICT,
    EFFORT,
    GATE,
    LANDED,
    OUTCOME,
    PREFLIGHT,
    REPORT,
    REVIEW,
    DagSpec,
    EffortStatusSpec,
    GroupSpec,
    ParamSpec,
    TaskSpec,
)

PREFLIGHT_GROUP, GATES_GROUP, INTEGRATE = "preflight", "quality_gates", "integrate"
# With `resolve_conflicts: person`: the approval that shows a conflict, and the integration that goes on after it.
RESOLVE, INTEGRATE_RESOLVED = "resolve_conflict", "integrate_resolved"
CHECKS = ("base_ref", "previous_phase", "agents", "isolation", "image_and_secret")
# On the kubernetes backend only: asked of the cluster through the connection the effort pods are launched with.
CLUSTER_CHECK = "cluster_access"
# A skipped (unselected) dependency must not skip its dependents; a failed one still stops them.
NONE_FAILED, ALL_DONE = "none_failed", "all_done"
# Skipped with a skipped upstream: the integration after a person's resolution, when nobody was asked.
ALL_SUCCESS = "all_success"
APPROVAL_HOURS = 24


def gate_task_id(metric: str) -> str:
    return "gate_" + (re.sub(r"[^a-z0-9]+", "_", metric.lower()).strip("_") or "custom")


def wave_group(wave: int) -> str:
    return f"wave_{wave}"


def effort_task_id(effort: Effort) -> str:
    """The full id of the effort's task: its wave's group, then its own."""
    return f"{wave_group(effort.wave)}.{task_id(effort.id)}"


def dag_spec(plan: Plan, path: Path) -> DagSpec:
    waves = sorted(plan.waves, key=lambda w: w.number)  # in the order of their numbers, however the plan lists them
    by_wave = plan.efforts_by_wave()
    groups = [GroupSpec(PREFLIGHT_GROUP, "The pre-wave checklist: every check must pass before wave 1")]
    tasks = preflight_tasks(plan)
    efforts = effort_tasks(plan)
    previous = PREFLIGHT_GROUP
    jobs = {j.wave: j for j in plan.integration_jobs()}
    for i, wave in enumerate(waves):
        if i:
            between = between_waves(plan, waves[i - 1], by_wave[waves[i - 1].number], wave)
            tasks += between
            previous = between[-1].task_id
        groups.append(GroupSpec(wave_group(wave.number), _tooltip(wave), upstream=(previous,)))
        wave_tasks = [efforts[e.id] for e in by_wave[wave.number]]
        tasks += wave_tasks
        if wave.number in jobs:
            tasks += integration_tasks_of(plan, jobs[wave.number], wave_tasks)
        previous = wave_group(wave.number)
    groups.append(
        GroupSpec(GATES_GROUP, f"{len(plan.gates)} quality gates, the report, the run's outcome", upstream=(previous,))
    )
    tasks += gate_tasks(plan, {e: t.task_id for e, t in efforts.items()}, integration_tasks(plan), person_tasks(plan))
    return DagSpec(
        dag_id=plan.name,
        backend=backend(plan),
        description=plan.title or None,
        doc_md=plan_doc(plan, path.name),
        tags=("waveflow", f"plan:{plan.name}"),
        cron=plan.schedule,
        after_phase=plan.follows if plan.schedule_on_previous else None,
        default_args={"retries": plan.defaults.retries, "retry_exponential_backoff": RETRY_BACKOFF},
        params=run_params(plan),
        wave_deadlines=_deadlines(plan),
        groups=tuple(groups),
        tasks=tuple(tasks),
    )


def preflight_tasks(plan: Plan) -> list[TaskSpec]:
    checks = CHECKS + ((CLUSTER_CHECK,) if backend(plan) == "kubernetes" else ())
    args = {"plan": plan, "base_ref": "{{ params.base_ref }}", "image": "{{ params.image }}", "retries": 0}
    return [TaskSpec(f"{PREFLIGHT_GROUP}.{name}", PREFLIGHT, {**args, "check": name}) for name in checks]


def effort_tasks(plan: Plan) -> dict[str, TaskSpec]:
    """Each effort's task, by effort id. Every effort task gets the run order of them all (its `turn` is its place in
    it: a `sequential` run goes one at a time, in that order)."""
    order = topological_order(plan)
    turn_order = [effort_task_id(plan.effort(e)) for e in order]
    pods = backend(plan) == "kubernetes"
    specs = {}
    for turn, effort_id in enumerate(order):
        effort = plan.effort(effort_id)
        branch = plan.branch_of(effort)
        args = _effort_args(plan, effort, runner_env(plan, effort), pods)
        args.update(turn=turn, turn_order=turn_order)
        upstream = tuple(effort_task_id(plan.effort(d)) for d in effort.depends_on)
        status = EffortStatusSpec(effort.id, branch, effort.wave)
        specs[effort_id] = TaskSpec(effort_task_id(effort), EFFORT, args, upstream, status)
    # In the plan's order within each wave, as the waves list them.
    return {e.id: specs[e.id] for e in plan.efforts}


def integration_tasks_of(plan: Plan, job: Effort, efforts: list[TaskSpec]) -> list[TaskSpec]:
    """The wave's integration, last in its group: the effort task of an effort-like job (the runner, on the same
    backend) that merges the wave's branches and tests them together. It runs when no effort of the wave failed.
    With `resolve_conflicts: person`, a conflict stops it with the branch pushed as far as it merged; an approval
    task then shows the conflict (it skips itself when there is none), and once a person has pushed a resolution
    and approved, a second integration goes on from their branch (skipped with the approval)."""
    n, pods = job.wave, backend(plan) == "kubernetes"
    args = _effort_args(plan, job, integration_env(plan, n), pods)
    args["doc_md"] = f"Merges wave {n}'s branches into `{job.branch}` and tests them together"
    first = TaskSpec(f"{wave_group(n)}.{INTEGRATE}", EFFORT, args, tuple(t.task_id for t in efforts))
    if plan.integration is None or plan.integration.resolve_conflicts != "person":
        return [first]
    approval = TaskSpec(
        f"{wave_group(n)}.{RESOLVE}",
        CONFLICT,
        {
            "integration_task": first.task_id,
            "subject": f"{plan.name}: resolve wave {n}'s merge conflict",
            "retries": 0,  # a retry would ask again whoever rejected
            "response_timeout": timedelta(hours=APPROVAL_HOURS),
            "doc_md": f"Shows a person the conflict that stopped wave {n}'s integration; skipped when there is none",
        },
        upstream=(first.task_id,),
    )
    again = _effort_args(plan, job, integration_env(plan, n, after_person=True), pods)
    again.update(trigger_rule=ALL_SUCCESS, doc_md=f"Wave {n}'s integration, going on from a person's resolution")
    resolved = TaskSpec(f"{wave_group(n)}.{INTEGRATE_RESOLVED}", EFFORT, again, (approval.task_id,))
    return [first, approval, resolved]


def integration_tasks(plan: Plan) -> dict[int, str]:
    """wave number -> its integration task, for plans that integrate."""
    return {j.wave: f"{wave_group(j.wave)}.{INTEGRATE}" for j in plan.integration_jobs()}


def person_tasks(plan: Plan) -> dict[int, tuple[str, str]]:
    """wave number -> (its conflict approval, its integration after a person's resolution), for `person` plans."""
    if plan.integration is None or plan.integration.resolve_conflicts != "person":
        return {}
    return {
        j.wave: (f"{wave_group(j.wave)}.{RESOLVE}", f"{wave_group(j.wave)}.{INTEGRATE_RESOLVED}")
        for j in plan.integration_jobs()
    }


def _effort_args(plan: Plan, effort: Effort, env: dict[str, str], pods: bool) -> dict[str, Any]:
    timeout = execution_timeout(plan, effort)
    args: dict[str, Any] = {
        "effort_id": effort.id,
        "pool": pool_name(plan),
        "trigger_rule": NONE_FAILED,
        "retries": retries(plan, effort),
        "retry_exponential_backoff": RETRY_BACKOFF,
        "execution_timeout": timeout,
        "doc_md": f"**{effort.id}: {effort.name}** — branch `{plan.branch_of(effort)}`",
    }
    if not pods:
        return {**args, "env": env, "credentials": repo_credentials(plan)}
    from .pod_args import effort_pod_args, plan_pod_args

    return {**plan_pod_args(plan), **args, **effort_pod_args(plan, effort, env, timeout)}


def between_waves(plan: Plan, done: Wave, done_efforts: list[Effort], following: Wave) -> list[TaskSpec]:
    """The landing sensor, then (if the plan asks for one) a person's approval."""
    gate = plan.wave_gate
    sensor = TaskSpec(
        f"wave_{done.number}_landed",
        LANDED,
        {
            "wave": done.number,
            "efforts": {e.id: plan.branch_of(e) for e in done_efforts}
            | ({integration_id(done.number): plan.integration_branch(done.number)} if plan.integration else {}),
            "repo": repo_url(plan),
            "base_ref": base_ref_template(plan),
            "landing_mode": gate.mode,
            "poke_interval": gate.poke_interval_seconds,
            "timeout": gate.timeout_minutes * 60,
            "trigger_rule": NONE_FAILED,
            "doc_md": f"Holds wave {following.number} until every effort of wave {done.number} has landed "
            f"({gate.mode}).",
        },
        upstream=(wave_group(done.number),),
    )
    if not gate.checkpoint:
        return [sensor]
    approval = TaskSpec(
        f"wave_{following.number}_approval",
        APPROVAL,
        {
            "subject": f"{plan.name}: start wave {following.number} ({following.name})?",
            "body": f"Wave {done.number} has landed. Review its branches, then approve wave {following.number}.",
            "retries": 0,  # a retry would ask again whoever rejected or let it time out
            # Unanswered for a day, the approval fails, and the waves after it do not start.
            "response_timeout": timedelta(hours=APPROVAL_HOURS),
        },
        upstream=(sensor.task_id,),
    )
    return [sensor, approval]


def gate_tasks(
    plan: Plan,
    effort_tasks: dict[str, str],
    integrations: dict[int, str] | None = None,
    people: dict[int, tuple[str, str]] | None = None,
) -> list[TaskSpec]:
    """A task per gate, the report after them, and `run_outcome`, the run's only leaf. They run whatever the efforts
    did (ALL_DONE): a report of a failed run matters most."""
    gates = [
        TaskSpec(
            f"{GATES_GROUP}.{gate_task_id(gate.metric)}",
            GATE,
            {
                "plan": plan,
                "gate_index": i,
                "effort_tasks": effort_tasks,
                "trigger_rule": ALL_DONE,
                "retries": 0,
                "doc_md": f"**{gate.metric}**: target `{gate.target}` ({gate.measurement})",
            },
        )
        for i, gate in enumerate(plan.gates)
    ]
    # The report and the outcome wait for every gate and every effort directly: a clear with "only failed" re-runs a
    # failed effort but not the gates that passed, and a path through those would let them run before it has ended.
    integrations, people = integrations or {}, people or {}
    judged = (
        *(g.task_id for g in gates),
        *effort_tasks.values(),
        *integrations.values(),
        *(t for pair in people.values() for t in pair),
    )
    closing: dict[str, Any] = {"plan": plan, "effort_tasks": effort_tasks, "trigger_rule": ALL_DONE, "retries": 0}
    if integrations:
        closing["integration_tasks"] = integrations
    if people:
        closing["person_tasks"] = people
    review = []
    if plan.review is not None:
        # After the gates (a pull request is a draft while one fails), before the report (which links them).
        review = [TaskSpec(f"{GATES_GROUP}.review", REVIEW, closing, upstream=judged)]
        judged = (*judged, review[0].task_id)
        closing = {**closing, "review_task": review[0].task_id}
    report = TaskSpec(f"{GATES_GROUP}.report", REPORT, closing, upstream=judged)
    outcome_args = {**closing, "report_task": report.task_id}
    outcome = TaskSpec(f"{GATES_GROUP}.run_outcome", OUTCOME, outcome_args, upstream=(report.task_id, *judged))
    return [*gates, *review, report, outcome]


def run_params(plan: Plan) -> dict[str, ParamSpec]:
    """The trigger form; scheduled runs take its defaults."""
    ids = [e.id for e in plan.efforts]
    return {
        "efforts": ParamSpec(
            [],
            {
                "type": "array",
                "items": {"type": "string", "enum": ids},
                "title": "Efforts",
                "description": f"Run only these efforts; empty runs all. The others skip. Ids: {', '.join(ids)}",
            },
        ),
        "base_ref": ParamSpec(
            plan.base_ref, {"type": "string", "minLength": 1, "title": "Base ref", "description": "Where efforts start"}
        ),
        "image": ParamSpec(
            plan.defaults.image, {"type": "string", "title": "Image", "description": "Effort image (kubernetes)"}
        ),
        "dry_run": ParamSpec(
            False, {"type": "boolean", "title": "Dry run", "description": "Run the preflight checks only"}
        ),
        "sequential": ParamSpec(
            False, {"type": "boolean", "title": "Sequential", "description": "One effort at a time"}
        ),
        "enforce_gates": ParamSpec(
            True, {"type": "boolean", "title": "Enforce gates", "description": "A failed gate fails the run"}
        ),
    }


def _deadlines(plan: Plan) -> tuple[tuple[int, float], ...]:
    """Each wave with a planned maximum duration, and the hours the waves up to it may take."""
    found, elapsed = [], 0.0
    for wave in plan.waves:
        if wave.duration and wave.duration.max_hours:
            elapsed += wave.duration.max_hours
            found.append((wave.number, elapsed))
    return tuple(found)


def _tooltip(wave: Wave) -> str:
    parts = [f"Wave {wave.number}: {wave.name}"]
    if wave.duration:
        parts.append(f"planned {wave.duration.min_hours:g}-{wave.duration.max_hours:g} h")
    if wave.agents is not None:
        parts.append(count(wave.agents, "agent"))
    return " · ".join(parts)
