"""The runner's inputs for one effort, as both backends pass them: environment variables, some templated per run."""

from __future__ import annotations

import os
from datetime import timedelta

from ..plan.model import Effort, Plan
from ..runner.contract import RunnerInputs
from ..runner.from_plan import inputs_for, integration_inputs, timeout_seconds
from ..runner.redact import split_credentials

# Airflow 3 reads the backoff as a multiplier (Airflow 2's `True` would be 1.0, a flat delay): double the wait at
# each retry.
RETRY_BACKOFF = 2.0
RUN_ID = "{{ run_id }}"


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


def execution_timeout(plan: Plan, effort: Effort) -> timedelta:
    return timedelta(seconds=timeout_seconds(plan, effort))


def retries(plan: Plan, effort: Effort) -> int:
    return effort.retries if effort.retries is not None else plan.defaults.retries


def base_ref_template(plan: Plan) -> str:
    """Jinja for the run's base ref: the trigger form's, else the plan's. The plan's goes in as a string literal,
    escaped: a git ref may hold quotes and braces."""
    literal = plan.base_ref.replace("\\", "\\\\").replace("'", "\\'")
    return f"{{{{ params.base_ref or '{literal}' }}}}"


def runner_env(plan: Plan, effort: Effort) -> dict[str, str]:
    return _task_env(inputs_for(plan, effort, repo=repo_url(plan), base_ref=base_ref_template(plan), run_id=RUN_ID))


def integration_env(plan: Plan, wave: int, *, after_person: bool = False) -> dict[str, str]:
    inputs = integration_inputs(
        plan, wave, repo=repo_url(plan), base_ref=base_ref_template(plan), run_id=RUN_ID, after_person=after_person
    )
    return _task_env(inputs)


def _task_env(inputs: RunnerInputs) -> dict[str, str]:
    env = inputs.to_env()
    # The backend decides these two (worktree on the worker, or the pod's xcom path).
    for var in ("WAVEFLOW_MODE", "WAVEFLOW_RESULT", "WAVEFLOW_WORKSPACE"):
        env.pop(var, None)
    return env
