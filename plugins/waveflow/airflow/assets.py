"""Phase chaining: a plan run that lands its phase emits `waveflow://<plan>/landed`; a plan that follows it may be
scheduled on that asset, alone or with its cron.

The run's last task, `run_outcome`, declares an asset alias as its outlet and adds the phase's asset to it only when
the whole phase landed: every effort ran and succeeded and every gate passed. A successful run that is not a landing
(a dry run, a run of a subset of the efforts, a run whose failed gates were not enforced) emits nothing, so the next
phase never starts on it. A plain asset outlet could not tell these apart: Airflow emits it on every success.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow.sdk import Asset, AssetAlias

from ..plan.model import Plan
from .status import status_log

SCHEME = "waveflow"


def landed_asset(plan_name: str) -> Asset:
    return Asset(uri=f"{SCHEME}://{plan_name}/landed")


def landed_alias(plan_name: str) -> AssetAlias:
    return AssetAlias(name=f"{SCHEME}-{plan_name}-landed")


def dag_schedule(cron: str | None, after_phase: str | None) -> Any:
    """The DAG's `schedule`: the plan's cron, the landing of the phase it follows, or either of the two."""
    if not after_phase:
        return cron
    previous = landed_asset(after_phase)
    if cron is None:
        return previous
    from airflow.sdk.definitions.timetables.assets import AssetOrTimeSchedule
    from airflow.sdk.definitions.timetables.trigger import CronTriggerTimetable

    return AssetOrTimeSchedule(timetable=CronTriggerTimetable(cron, timezone="UTC"), assets=previous)


def not_landed(params: Mapping[str, Any], effort_states: Mapping[str, str], gates: Mapping[str, bool]) -> str | None:
    """Why a successful run did not land its phase, or None when it did. `gates`: metric -> passed, as judged now."""
    if params.get("dry_run"):
        return "a dry run"
    left_out = sorted(e for e, state in effort_states.items() if state != "success")
    if left_out:
        return f"efforts that did not run or succeed: {', '.join(left_out)}"
    failed = [metric for metric, passed in gates.items() if not passed]
    if failed:
        return f"gates that did not pass: {', '.join(failed)}"
    return None


def announce_landed(context: Any, plan: Plan, effort_states: Mapping[str, str], gates: Mapping[str, bool]) -> None:
    """Called by a successful `run_outcome`: emit the phase's asset when the run landed it, and log either way."""
    why = not_landed(context.get("params") or {}, effort_states, gates)
    asset = landed_asset(plan.name)
    if why:
        status_log(context).append("phase not landed", asset=asset.uri, why=why)
        return
    extra = {"run_id": context["run_id"], "branches": [plan.branch_of(e) for e in plan.efforts]}
    context["outlet_events"][landed_alias(plan.name)].add(asset, extra=extra)
    status_log(context).append("phase landed", asset=asset.uri)
