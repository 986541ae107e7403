"""The git remote goes away while an effort is mid-implement (after the preflight checks found it): for a while
(retries back off, then the effort succeeds once it is back), or for good (the effort fails naming the remote, the run
fails for that reason, and the report says so)."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from chaos.chaos_plans import RETRY_DELAY_SECONDS, branch, effort_commits

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TASK = "wave_1.e1_1"


def _t(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def gone_mid_effort(chaos: Any, plan: str, away: Path) -> str:
    """Trigger, and move the remote to `away` while the effort implements: its push, then its retries, find nothing."""
    hold = chaos.hold(plan, "1.1")
    run_id = str(chaos.trigger(plan))
    chaos.wait("the effort mid-implement", lambda: chaos.started(plan, "1.1"))
    chaos.remote(plan).rename(away)
    hold.unlink()
    return run_id


def test_remote_back_after_failed_attempts(chaos):
    plan = "chaos_outage"
    remote = chaos.remote(plan)
    away = remote.with_name("outage-away.git")
    run_id = gone_mid_effort(chaos, plan, away)
    chaos.wait("two failed attempts", lambda: len(chaos.tries(plan, run_id, TASK)) >= 3, timeout=300)
    away.rename(remote)

    assert chaos.wait_run(plan, run_id) == "success"
    tries = sorted(chaos.tries(plan, run_id, TASK), key=lambda t: t["try_number"])
    assert [t["state"] for t in tries[:2]] == ["failed", "failed"] and tries[-1]["state"] == "success"
    assert "push" in chaos.log(plan, run_id, TASK, 1)
    second = chaos.log(plan, run_id, TASK, 2)
    assert "cannot reach the repository" in second and str(remote) in second
    # Exponential backoff: the n-th retry waits at least delay * 2**(n-1).
    waits = [(_t(b["start_date"]) - _t(a["end_date"])).total_seconds() for a, b in itertools.pairwise(tries)]
    assert waits[0] >= RETRY_DELAY_SECONDS and waits[1] >= 2 * RETRY_DELAY_SECONDS
    assert len(effort_commits(remote, branch(plan, "1.1"), "1.1")) == 1
    chaos.record(
        "remote unavailable, then back",
        run=run_id,
        state="success",
        tries=len(tries),
        waits_s=[round(w, 1) for w in waits],
    )


def test_remote_gone_for_good_fails_naming_it(chaos):
    plan = "chaos_remote_gone"
    remote = chaos.remote(plan)
    run_id = gone_mid_effort(chaos, plan, remote.with_name("gone-away.git"))

    assert chaos.wait_run(plan, run_id) == "failed"
    tis = chaos.tis(plan, run_id)
    assert tis[TASK]["state"] == "failed" and tis[TASK]["try_number"] == 3
    result = chaos.xcom(plan, run_id, TASK)
    assert (result["status"], result["failed_step"]) == ("failed", "fetch")
    assert (
        result["failure_reason"].startswith("cannot reach the repository") and str(remote) in result["failure_reason"]
    )
    assert "efforts failed: 1.1" in chaos.log(plan, run_id, "quality_gates.run_outcome", 1)
    report = chaos.xcom(plan, run_id, "quality_gates.report")
    assert str(remote) in Path(report["markdown"]).read_text(encoding="utf-8")
    chaos.record(
        "remote gone for good",
        run=run_id,
        state="failed",
        tries=tis[TASK]["try_number"],
        reason=result["failure_reason"],
    )
