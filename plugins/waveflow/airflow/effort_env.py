"""The runner's inputs for one effort, as both backends pass them: environment variables, some templated per run."""

from __future__ import annotations

import json
import os
from datetime import timedelta

from ..plan.model import Commands, Effort, Plan
from ..runner.contract import RunnerInputs
from ..runner.redact import split_credentials

HOUR = 3600
# Airflow 3 reads the backoff as a multiplier (Airflow 2's `True` would be 1.0, a flat delay): double the wait at
# each retry.
RETRY_BACKOFF = 2.0
# `commands` is replaced by what the effort runs (its own, else the plan's).
_NOT_IN_SPEC = {"retries", "timeout_minutes", "resources", "image", "commands"}
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def configured_repo(plan: Plan) -> str:
    """The repository as configured, credentials and all: only ever read at run time, never put in a task field."""
    return os.environ.get("WAVEFLOW_REPO_URL") or plan.repo or ""


def repo_url(plan: Plan) -> str:
    """The repository without credentials: what task fields (which Airflow stores and shows) may hold."""
    return split_credentials(configured_repo(plan))[0]


def repo_credentials(plan: Plan) -> dict[str, str]:
    """GIT_USERNAME/GIT_PASSWORD from a repository URL that carries them, for the runner's environment."""
    _, user, password = split_credentials(configured_repo(plan))
    if not password:
        return {}
    return {"GIT_USERNAME": user or "", "GIT_PASSWORD": password}


def backend(plan: Plan) -> str:
    return os.environ.get("WAVEFLOW_BACKEND") or plan.backend


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


def execution_timeout(plan: Plan, effort: Effort) -> timedelta:
    return timedelta(seconds=timeout_seconds(plan, effort))


def retries(plan: Plan, effort: Effort) -> int:
    return effort.retries if effort.retries is not None else plan.defaults.retries


def effort_spec(plan: Plan, effort: Effort) -> str:
    """Canonical JSON of what the effort is asked to do: a change here makes the runner redo the effort."""
    spec = effort.model_dump(mode="json", exclude=_NOT_IN_SPEC)
    spec["commands"] = commands(plan, effort).model_dump(mode="json")
    return _CANONICAL.encode(spec)


def base_ref_template(plan: Plan) -> str:
    """Jinja for the run's base ref: the trigger form's, else the plan's. The plan's goes in as a string literal,
    escaped: a git ref may hold quotes and braces."""
    literal = plan.base_ref.replace("\\", "\\\\").replace("'", "\\'")
    return f"{{{{ params.base_ref or '{literal}' }}}}"


def runner_env(plan: Plan, effort: Effort) -> dict[str, str]:
    cmds = commands(plan, effort)
    seconds = timeout_seconds(plan, effort)
    inputs = RunnerInputs(
        plan=plan.name,
        effort=effort.id,
        repo=repo_url(plan),
        branch=plan.branch_of(effort),
        base_ref=base_ref_template(plan),
        run_id="{{ run_id }}",
        dependency_branches=[plan.branch_of(plan.effort(d)) for d in effort.depends_on],
        implement=list(cmds.implement or []),
        test=list(cmds.test),
        worktree=effort.worktree or "",
        port_start=effort.ports.start if effort.ports else None,
        port_end=effort.ports.end if effort.ports else None,
        namespace=effort.namespace or "",
        implement_timeout=seconds,
        test_timeout=seconds,
        effort_spec=effort_spec(plan, effort),
        exclusive=effort.exclusive,
    )
    env = inputs.to_env()
    # The backend decides these two (worktree on the worker, or the pod's xcom path).
    for var in ("WAVEFLOW_MODE", "WAVEFLOW_RESULT", "WAVEFLOW_WORKSPACE"):
        env.pop(var, None)
    return env
