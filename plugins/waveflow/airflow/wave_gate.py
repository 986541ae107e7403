"""The sensor between two waves: Wave N+1 starts only when every selected effort of Wave N has really landed.

Deferrable: while it waits, the check runs in the triggerer and the sensor holds no worker slot.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import BaseSensorOperator
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException
from airflow.triggers.base import BaseTrigger, TriggerEvent

from ..landing import check
from .selection import selected
from .status import wave_landed


class WaveLandedTrigger(BaseTrigger):
    def __init__(
        self, repo: str, branches: list[str], base_ref: str, mode: str, poke_interval: float, deadline: str
    ) -> None:
        super().__init__()
        self.repo, self.branches, self.base_ref, self.mode = repo, branches, base_ref, mode
        self.poke_interval, self.deadline = poke_interval, deadline

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "repo": self.repo,
                "branches": self.branches,
                "base_ref": self.base_ref,
                "mode": self.mode,
                "poke_interval": self.poke_interval,
                "deadline": self.deadline,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        deadline = datetime.fromisoformat(self.deadline)
        while True:
            try:
                landing = await asyncio.to_thread(check, self.repo, self.branches, self.base_ref)
                missing = landing.describe_missing(self.mode)
            except Exception as exc:  # an unreachable remote is "not landed yet", reported if it lasts
                missing = f"cannot check the remote: {exc}"
            if not missing:
                yield TriggerEvent({"landed": True})
                return
            if datetime.now(UTC) >= deadline:
                yield TriggerEvent({"landed": False, "missing": missing})
                return
            await asyncio.sleep(self.poke_interval)


class WaveLandedSensor(BaseSensorOperator):
    template_fields = ("base_ref",)
    ui_color = "#fdf3d8"

    def __init__(
        self,
        *,
        wave: int,
        efforts: Mapping[str, str],
        repo: str,
        base_ref: str,
        landing_mode: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.wave, self.efforts, self.repo = wave, dict(efforts), repo
        self.base_ref, self.landing_mode = base_ref, landing_mode

    def _branches(self, context: Mapping[str, Any]) -> list[str]:
        params = context.get("params") or {}
        return [branch for effort, branch in self.efforts.items() if selected(params, effort)]

    def execute(self, context: Any) -> None:
        if (context.get("params") or {}).get("dry_run"):
            raise AirflowSkipException("dry_run: no wave runs")
        branches = self._branches(context)
        if not branches:
            self.log.info("no effort of wave %s is selected in this run: nothing to wait for", self.wave)
            return
        landing = check(self.repo, branches, self.base_ref)
        if not landing.missing(self.landing_mode):
            self.log.info("wave %s has landed: %s", self.wave, ", ".join(branches))
            wave_landed(context, self.wave)
            return
        self.log.info("waiting for wave %s: %s", self.wave, landing.describe_missing(self.landing_mode))
        deadline = datetime.now(UTC) + timedelta(seconds=float(self.timeout))
        trigger = WaveLandedTrigger(
            self.repo, branches, self.base_ref, self.landing_mode, float(self.poke_interval), deadline.isoformat()
        )
        self.defer(trigger=trigger, method_name="execute_complete")

    def execute_complete(self, context: Any, event: dict[str, Any]) -> None:
        if not event.get("landed"):
            raise AirflowFailException(
                f"wave {self.wave} did not land within {int(float(self.timeout)) // 60} min: {event.get('missing')}"
            )
        self.log.info("wave %s has landed", self.wave)
        wave_landed(context, self.wave)
