"""A plan's DAG as plain records: what each task is, its constructor's arguments, what runs before it.

No Airflow here: `plan_spec` builds these from a plan and tests read them as data; `materialize` is the one place
that turns them into Airflow objects, with constructors and `>>` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# What a task is: `materialize` maps each kind to its operator class (the effort kinds to their backend's).
PREFLIGHT, EFFORT, LANDED, APPROVAL, CONFLICT, GATE, REPORT, OUTCOME, REVIEW = (
    "preflight",
    "effort",
    "landed",
    "approval",
    "conflict",
    "gate",
    "report",
    "outcome",
    "review",
)


@dataclass(frozen=True)
class EffortStatusSpec:
    """Whose status an effort task's callbacks report: they are Airflow objects, made by `materialize`."""

    effort_id: str
    branch: str
    wave: int


@dataclass(frozen=True)
class TaskSpec:
    """One task. `task_id` is the full id (`wave_1.e10_1_1`): its group is what comes before the last dot.
    `upstream` holds full ids of tasks or groups this task runs after."""

    task_id: str
    kind: str
    args: Mapping[str, Any]
    upstream: tuple[str, ...] = ()
    status: EffortStatusSpec | None = None

    @property
    def group(self) -> str | None:
        return self.task_id.rpartition(".")[0] or None

    @property
    def name(self) -> str:
        """The id within its group: what its constructor is given."""
        return self.task_id.rpartition(".")[2]


@dataclass(frozen=True)
class GroupSpec:
    """A task group (a wave, the preflight checks, the quality gates) and what it runs after."""

    group_id: str
    tooltip: str
    upstream: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParamSpec:
    """A field of the trigger form: its default and JSON-schema keywords (`type`, `enum`, `title`...)."""

    default: Any
    schema: Mapping[str, Any]


@dataclass(frozen=True)
class DagSpec:
    dag_id: str
    # Where efforts run: `local` (a worktree on the worker) or `kubernetes` (a pod each).
    backend: str
    description: str | None
    doc_md: str
    tags: tuple[str, ...]
    # The plan's cron (or None), and the plan whose landing also starts a run (`schedule_on_previous`).
    cron: str | None
    after_phase: str | None
    default_args: Mapping[str, Any]
    params: Mapping[str, ParamSpec]
    # (wave, hours since the run was queued): when each wave's planned maximum is used up.
    wave_deadlines: tuple[tuple[int, float], ...]
    groups: tuple[GroupSpec, ...]
    tasks: tuple[TaskSpec, ...]
    max_active_runs: int = 1

    def task(self, task_id: str) -> TaskSpec:
        found = next((t for t in self.tasks if t.task_id == task_id), None)
        if found is None:
            raise KeyError(task_id)
        return found
