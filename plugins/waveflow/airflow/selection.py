"""Which efforts a run does: the `efforts` and `dry_run` params, read the same way by every effort backend."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk.exceptions import AirflowSkipException

from ..plan.model import INTEGRATION_ID


def selected(params: Mapping[str, Any], effort_id: str) -> bool:
    """A wave's integration is no effort: it runs in every run that runs efforts, merging what the wave's branches
    hold (a subset run's later waves start from it)."""
    wanted = params.get("efforts") or []
    return not wanted or effort_id in wanted or effort_id.startswith(INTEGRATION_ID)


def skip_if_not_selected(context: Mapping[str, Any], effort_id: str) -> None:
    """Raise a skip (not a failure) for an effort this run leaves out, saying why in the task log."""
    params = context.get("params") or {}
    if params.get("dry_run"):
        raise AirflowSkipException("dry_run: preflight only, no effort runs")
    if not selected(params, effort_id):
        raise AirflowSkipException(f"effort {effort_id} is not in this run's `efforts` param {params.get('efforts')}")
