"""SIGKILL the triggerer while the wave sensor is deferred, land the wave meanwhile, start it again: the sensor's trigger
is picked up by the new triggerer and wave 2 runs."""

from __future__ import annotations

import pytest

from chaos.chaos_plans import branch, effort_commits, git, history

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAN = "chaos_triggerer"
SENSOR = "wave_1_landed"


def merge_into_main(remote, branch_name: str, work) -> str:
    git("clone", "-q", str(remote), str(work))
    git("merge", "-q", "--no-ff", "-m", f"merge {branch_name}", f"origin/{branch_name}", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


def test_triggerer_killed_while_the_wave_sensor_is_deferred(chaos, tmp_path):
    run_id = chaos.trigger(PLAN)
    # `merged` mode: wave 1 has landed only once a person merges its branch, so the sensor defers until then.
    chaos.wait("the wave sensor deferred", lambda: chaos.tis(PLAN, run_id)[SENSOR]["state"] == "deferred")
    chaos.stack.kill("triggerer")
    remote, framework = chaos.remote(PLAN), branch(PLAN, "1.1")
    merged = merge_into_main(remote, framework, tmp_path / "reviewer")
    chaos.stack.start_one("triggerer")

    assert chaos.wait_run(PLAN, run_id) == "success"
    tis = chaos.tis(PLAN, run_id)
    assert tis[SENSOR]["state"] == "success" and tis[SENSOR]["try_number"] == 1
    assert tis["wave_2.e2_1"]["state"] == "success"
    assert tis["wave_2.e2_1"]["start_date"] >= tis[SENSOR]["end_date"]
    assert merged in history(remote, "main")
    assert len(effort_commits(remote, framework, "1.1")) == 1
    assert len(effort_commits(remote, branch(PLAN, "2.1"), "2.1")) == 1
    chaos.record(
        "triggerer SIGKILL while the sensor is deferred",
        run=run_id,
        state="success",
        sensor_tries=tis[SENSOR]["try_number"],
    )
