"""SIGKILL the scheduler while a wave's efforts are mid-implement, start it again: the run finishes, nothing is lost."""

from __future__ import annotations

import pytest

from chaos.chaos_plans import branch, effort_commits, history

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAN = "chaos_scheduler"
WAVE2 = ("2.1", "2.2")


def test_scheduler_killed_mid_wave_and_restarted(chaos):
    holds = [chaos.hold(PLAN, e) for e in WAVE2]
    run_id = chaos.trigger(PLAN)
    chaos.wait("wave 2 efforts mid-implement", lambda: all(chaos.started(PLAN, e) for e in WAVE2))
    # The scheduler's process group holds the LocalExecutor workers and the task supervisors: all of them die.
    chaos.stack.kill("scheduler")
    chaos.stack.start_one("scheduler")
    for hold in holds:
        hold.unlink()

    assert chaos.wait_run(PLAN, run_id) == "success"
    tis = chaos.tis(PLAN, run_id)
    remote = chaos.remote(PLAN)
    framework = effort_commits(remote, branch(PLAN, "1.1"), "1.1")
    assert len(framework) == 1
    tries = {}
    for effort in WAVE2:
        task = f"wave_2.e{effort.replace('.', '_')}"
        assert tis[task]["state"] == "success"
        result = chaos.xcom(PLAN, run_id, task)
        assert result["status"] == "succeeded"
        # Exactly one commit of the effort, on top of the framework's: none lost, none made twice.
        assert len(effort_commits(remote, branch(PLAN, effort), effort)) == 1
        assert framework[0] in history(remote, branch(PLAN, effort))
        tries[effort] = {"try_number": tis[task]["try_number"], "memoized": result["memoized"]}
    chaos.record("scheduler SIGKILL mid-wave", run=run_id, state="success", wave2=tries, commits_per_effort=1)
