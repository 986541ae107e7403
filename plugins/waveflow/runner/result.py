"""The runner's result JSON: what an effort did, as the DAG, the gates and the report read it.

Versioned: readers check `schema_version` and refuse a newer version rather than misread it (`load_result`).
Fields are only ever added within a version, each optional, so older results still read.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1


class Metrics(BaseModel):
    tests_passed: int | None = None
    tests_failed: int | None = None
    failed_tests: list[str] = Field(default_factory=list, description="names of the failing tests, from the reports")
    coverage_percent: float | None = None
    benchmark_samples: dict[str, list[float]] = Field(default_factory=dict, description="benchmark name -> samples")
    benchmark_cv_percent: float | None = Field(default=None, description="largest coefficient of variation, %")
    chaos_total: int | None = None
    chaos_recovered: int | None = None
    undocumented_apis: list[str] | None = None
    lines_added: int | None = None
    lines_deleted: int | None = None
    excluded_files: list[str] = Field(default_factory=list, description="left out of the PR size (generated, vendored)")
    sources: dict[str, str] = Field(default_factory=dict, description="metric -> the file or output it was read from")
    unavailable: dict[str, str] = Field(default_factory=dict, description="metric -> why it could not be measured")

    @property
    def pr_size(self) -> int | None:
        if self.lines_added is None or self.lines_deleted is None:
            return None
        return self.lines_added + self.lines_deleted


class Timing(BaseModel):
    started_at: str = Field(description="ISO 8601, UTC")
    finished_at: str | None = None
    seconds: dict[str, float] = Field(default_factory=dict, description="step -> seconds (fetch, implement, push...)")
    waited: dict[str, float] = Field(
        default_factory=dict, description="step -> seconds it waited for the machine (other efforts' steps)"
    )


class Iteration(BaseModel):
    """One turn of the agent: its command, the commit of what it changed, the tests and gates on that commit."""

    number: int
    started_at: str
    seconds: float = 0.0
    exit_code: int | None = Field(default=None, description="None: the agent never finished (time-out)")
    commit: str | None = None
    tests_passed: int | None = None
    tests_failed: int | None = None
    failed_tests: list[str] = Field(default_factory=list)
    gate_misses: list[str] = Field(default_factory=list, description="gates its change would miss, as fed back")
    cost_usd: float | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    turns: int | None = None
    model: str | None = None
    transcript: str | None = Field(default=None, description="the agent's output, redacted")


class AgentRecord(BaseModel):
    """What the effort's agent did, over every iteration, and what it cost."""

    profile: str
    adapter: str | None = None
    model: str | None = None
    max_iterations: int = 1
    iterations: list[Iteration] = Field(default_factory=list)
    cost_usd: float | None = Field(default=None, description="sum of the iterations that reported a cost")
    tokens_in: int | None = None
    tokens_out: int | None = None
    stopped: str | None = Field(default=None, description="why the loop ended before the tests and gates passed")
    brief_file: str | None = None


class MergedBranch(BaseModel):
    """One effort branch a wave's integration merged, in the order it was merged."""

    effort: str
    branch: str
    commit: str = Field(description="the branch head that was merged")
    already: bool = Field(default=False, description="the integration branch already held it (a rerun)")
    resolved_by: str | None = Field(default=None, description="the agent profile that resolved its conflicts")


class MergeConflict(BaseModel):
    file: str
    efforts: list[str] = Field(description="the efforts whose branches changed the file, the one merged last last")
    resolution: str = Field(description="failed, or resolved by <profile>")


class EffortResult(BaseModel):
    schema_version: int = SCHEMA_VERSION
    plan: str
    effort: str
    run_id: str | None = None
    status: Literal["succeeded", "failed"]
    failure_reason: str | None = None
    failed_step: str | None = None
    branch: str
    base_ref: str
    repo: str | None = Field(default=None, description="the repository's URL, without credentials")
    base_commit: str | None = Field(default=None, description="the commit base_ref named when the effort fetched")
    start_point: str | None = Field(default=None, description="commit the effort started from, dependencies merged")
    head: str | None = Field(default=None, description="commit pushed to the remote")
    commits: list[str] = Field(default_factory=list, description="commits this effort added")
    pushed: bool = False
    memoized: bool = Field(default=False, description="returned from a recorded result, no work done")
    recorded_by_run: str | None = Field(default=None, description="memoized: the run that did the work")
    inputs_key: str | None = None
    namespace: str | None = None
    ports: tuple[int, int] | None = None
    worktree: str | None = Field(default=None, description="where the effort's files are (local backend)")
    logs: dict[str, str] = Field(default_factory=dict, description="step -> log file of its command's output")
    timing: Timing
    tested_alone: bool = Field(
        default=False, description="its tests ran with no other effort's step on the machine (`exclusive`)"
    )
    metrics: Metrics = Field(default_factory=Metrics)
    agent: AgentRecord | None = None
    merged: list[MergedBranch] = Field(default_factory=list, description="a wave's integration: what it merged")
    conflicts: list[MergeConflict] = Field(default_factory=list, description="a wave's integration: its conflicts")
    published: str | None = Field(default=None, description="a wave's integration: the phase branch it advanced")
    awaiting_person: str | None = Field(
        default=None,
        description="a wave's integration that stopped at a conflict for a person to resolve: what they are to do",
    )
    retryable: bool = Field(
        default=False,
        description="failed: whether a retry may help (fetch, push, the machine busy); a failing test or an invalid "
        "input fails the same way again",
    )

    @property
    def changed_nothing(self) -> bool:
        """Succeeded in this run with no commit added and no line changed on its branch: its commands did nothing.
        (A rerun that resumes work an earlier try committed adds no commit but has its lines.)"""
        done = self.status == "succeeded" and not self.memoized
        return done and not self.commits and not self.metrics.pr_size


def load_result(data: object) -> EffortResult:
    """Read a result JSON (text or parsed), refusing a schema newer than this code rather than misreading it."""
    if isinstance(data, str | bytes):
        data = json.loads(data)
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise ValueError(
            f"result schema_version {version} is newer than this reader ({SCHEMA_VERSION}); upgrade waveflow"
        )
    return EffortResult.model_validate(data)
