"""The runner's result JSON: what an effort did, as the DAG, the gates and the report read it.

Versioned: readers check `schema_version` and refuse a newer major version rather than misread it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1


class Metrics(BaseModel):
    tests_passed: int | None = None
    tests_failed: int | None = None
    coverage_percent: float | None = None
    benchmark_samples: dict[str, list[float]] = Field(default_factory=dict, description="benchmark name -> samples")
    benchmark_cv_percent: float | None = Field(default=None, description="largest coefficient of variation, %")
    chaos_total: int | None = None
    chaos_recovered: int | None = None
    undocumented_apis: list[str] | None = None
    lines_added: int | None = None
    lines_deleted: int | None = None
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
    start_point: str | None = Field(default=None, description="commit the effort started from, dependencies merged")
    head: str | None = Field(default=None, description="commit pushed to the remote")
    commits: list[str] = Field(default_factory=list, description="commits this effort added")
    pushed: bool = False
    memoized: bool = Field(default=False, description="returned from a recorded result, no work done")
    inputs_key: str | None = None
    namespace: str | None = None
    ports: tuple[int, int] | None = None
    timing: Timing
    metrics: Metrics = Field(default_factory=Metrics)
