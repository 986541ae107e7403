"""SIGKILL the effort runner mid-implement: the task fails for want of a result, the retry ends the implement command
the killed runner left behind, resumes the branch from the remote, and the branch ends with the earlier work intact and
one commit of the effort."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from chaos.chaos_plans import branch, effort_commits, git, history

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAN = "chaos_runner"
TASK = "wave_1.e1_1"


def push_earlier_work(remote: Path, branch_name: str, work: Path) -> str:
    git("clone", "-q", str(remote), str(work))
    git("checkout", "-q", "-b", branch_name, cwd=work)
    (work / "earlier.txt").write_text("someone's earlier work\n")
    git("add", "earlier.txt", cwd=work)
    git("commit", "-qm", "earlier work", cwd=work)
    git("push", "-q", "origin", branch_name, cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0


def test_runner_killed_mid_effort_resumes_its_branch(chaos, tmp_path):
    remote, name = chaos.remote(PLAN), branch(PLAN, "1.1")
    earlier = push_earlier_work(remote, name, tmp_path / "someone")
    hold = chaos.hold(PLAN, "1.1")
    run_id = chaos.trigger(PLAN)
    [marker] = chaos.wait("the effort mid-implement", lambda: chaos.started(PLAN, "1.1"))
    runner, implement = int(marker.read_text()), int(marker.name.rsplit(".", 1)[1])
    assert b"waveflow.runner" in Path(f"/proc/{runner}/cmdline").read_bytes()
    os.kill(runner, signal.SIGKILL)
    implement_outlived_runner = alive(implement)
    # The retry's runner ends the implement command the killed one left in the worktree before it starts its own.
    chaos.wait("the retry's implement command", lambda: len(chaos.started(PLAN, "1.1")) == 2)
    leftover_ended = not alive(implement)
    assert leftover_ended
    hold.unlink()

    assert chaos.wait_run(PLAN, run_id) == "success"
    ti = chaos.tis(PLAN, run_id)[TASK]
    assert ti["try_number"] == 2
    assert "without a readable result" in chaos.log(PLAN, run_id, TASK, 1)
    result = chaos.xcom(PLAN, run_id, TASK)
    assert result["status"] == "succeeded" and not result["memoized"]
    assert earlier in history(remote, name)
    assert effort_commits(remote, name, "1.1") == result["commits"] and len(result["commits"]) == 1
    assert git("--git-dir", str(remote), "show", f"{name}:earlier.txt") == "someone's earlier work\n"
    chaos.record(
        "runner SIGKILL mid-implement",
        run=run_id,
        state="success",
        tries=ti["try_number"],
        earlier_commit_kept=True,
        effort_commits=len(result["commits"]),
        implement_outlived_runner=implement_outlived_runner,
        leftover_ended_by_retry=leftover_ended,
    )
