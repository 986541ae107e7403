"""A plan's effort as the runner's inputs: what the DAG's tasks pass to the runner, and what `run-effort --plan-file`
derives for a person trying one effort. One function for both, so a person's try runs what a run would."""

from __future__ import annotations

import json

from ..plan.model import Commands, Effort, Plan, integration_id
from ..plan.schedule import topological_order
from .contract import RunnerInputs

HOUR = 3600
# `commands` is replaced by what the effort runs (its own, else the plan's).
_NOT_IN_SPEC = {"retries", "timeout_minutes", "resources", "image", "commands"}
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def commands(plan: Plan, effort: Effort) -> Commands:
    return effort.commands if "commands" in effort.model_fields_set else plan.defaults.commands


def timeout_seconds(plan: Plan, effort: Effort) -> int:
    """The effort's own limit, else the plan default, else the longest its wave was planned to take."""
    minutes = effort.timeout_minutes or plan.defaults.timeout_minutes
    if minutes:
        return minutes * 60
    wave = next((w for w in plan.waves if w.number == effort.wave), None)
    hours = wave.duration.max_hours if wave and wave.duration and wave.duration.max_hours else 8.0
    return int(hours * HOUR)


def effort_spec(plan: Plan, effort: Effort) -> str:
    """Canonical JSON of what the effort is asked to do: a change here makes the runner redo the effort."""
    spec = effort.model_dump(mode="json", exclude=_NOT_IN_SPEC)
    spec["commands"] = commands(plan, effort).model_dump(mode="json")
    return _CANONICAL.encode(spec)


def agent_profile(plan: Plan, effort: Effort) -> str:
    """The effort's agent profile as canonical JSON (`name` added); empty when the plan has none for it."""
    found = plan.profile_of(effort)
    if found is None:
        return ""
    name, profile = found
    return _CANONICAL.encode({"name": name, **profile.model_dump(mode="json", exclude={"image"})})


def plan_context(plan: Plan, effort: Effort) -> str:
    """What the task brief says about the plan around the effort: its title, the effort's wave, the gates."""
    wave = next((w for w in plan.waves if w.number == effort.wave), None)
    context = {
        "title": plan.title,
        "wave": {"number": effort.wave, "label": wave.label if wave else None, "name": wave.name if wave else ""},
        "gates": [g.model_dump(mode="json") for g in plan.gates],
    }
    return _CANONICAL.encode(context)


def inputs_for(plan: Plan, effort: Effort, *, repo: str, base_ref: str, run_id: str) -> RunnerInputs:
    cmds = commands(plan, effort)
    seconds = timeout_seconds(plan, effort)
    found = plan.profile_of(effort)
    per_iteration = found[1].timeout_minutes * 60 if found and found[1].timeout_minutes else seconds
    return RunnerInputs(
        plan=plan.name,
        effort=effort.id,
        repo=repo,
        branch=plan.branch_of(effort),
        base_ref=plan.start_ref(effort) or base_ref,
        run_id=run_id,
        dependency_branches=[plan.branch_of(plan.effort(d)) for d in effort.depends_on],
        implement=list(cmds.implement or []),
        test=list(cmds.test),
        worktree=effort.worktree or "",
        port_start=effort.ports.start if effort.ports else None,
        port_end=effort.ports.end if effort.ports else None,
        namespace=effort.namespace or "",
        implement_timeout=per_iteration,
        test_timeout=seconds,
        effort_spec=effort_spec(plan, effort),
        exclusive=effort.exclusive,
        agent_profile=agent_profile(plan, effort),
        plan_context=plan_context(plan, effort),
    )


def integration_inputs(
    plan: Plan, wave: int, *, repo: str, base_ref: str, run_id: str, after_person: bool = False
) -> RunnerInputs:
    """A wave's integration as the runner's inputs: the wave's effort branches (in dependency order) merged into the
    wave's integration branch, which starts from the previous wave's; the merged tree tested; nothing implemented.
    `after_person`: the run after a person resolved a conflict, where another conflict fails (nobody is asked twice)."""
    assert plan.integration is not None
    order = topological_order(plan)
    rank = {e: i for i, e in enumerate(order)}
    efforts = sorted(plan.wave_efforts(wave), key=lambda e: rank[e.id])
    earlier = [w.number for w in plan.waves if w.number < wave]
    members = {
        plan.branch_of(e): {"effort": e.id, "name": e.name, "brief": e.brief or "",
                            "profile": json.loads(agent_profile(plan, e) or "null")}
        for e in efforts
    }  # fmt: skip
    on_conflict = "fail" if after_person else plan.integration.resolve_conflicts
    integration = {"branch": plan.integration_branch(), "on_conflict": on_conflict,
                   "efforts": members}  # fmt: skip
    spec = {"wave": wave, **plan.integration.model_dump(mode="json")}
    return RunnerInputs(
        plan=plan.name,
        effort=integration_id(wave),
        repo=repo,
        branch=plan.integration_branch(wave),
        base_ref=plan.integration_branch(max(earlier)) if earlier else base_ref,
        run_id=run_id,
        dependency_branches=list(members),
        test=list(plan.integration.test or plan.defaults.commands.test),
        implement_timeout=max(timeout_seconds(plan, e) for e in efforts),
        test_timeout=max(timeout_seconds(plan, e) for e in efforts),
        effort_spec=_CANONICAL.encode(spec),
        integration=_CANONICAL.encode(integration),
    )
