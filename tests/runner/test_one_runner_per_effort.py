"""A second runner of an effort never touches a live first runner's work: it waits for it, then refuses, saying so."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bounded import ends, run_within
from gitrepo import py

from waveflow.runner.contract import RunnerInputs

HANG_GUARD = 120.0


def _start(inputs: RunnerInputs) -> subprocess.Popen[bytes]:
    """The first runner, in the background."""
    env = {**os.environ, **inputs.to_env()}
    return subprocess.Popen([sys.executable, "-m", "waveflow.runner"], env=env, stdout=subprocess.DEVNULL)


def test_a_second_runner_of_a_live_effort_refuses_and_leaves_the_first_alone(remote, make_inputs, tmp_path):
    started, release = tmp_path / "started", tmp_path / "release"
    hold = (
        f"import os, time; open({str(started)!r}, 'w').write(str(os.getpid())); "
        f"[time.sleep(0.05) for _ in range(6000) if not os.path.exists({str(release)!r})]; "
        "open('one.txt', 'w').write('one\\n')"
    )
    first = _start(make_inputs(implement=py(hold), result_path=str(tmp_path / "first.json")))
    try:
        deadline = time.monotonic() + HANG_GUARD
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        implement_pid = int(started.read_text())

        second_inputs = make_inputs(result_path=str(tmp_path / "second.json"), run_id="run-2")
        second = run_within(second_inputs, HANG_GUARD, tmp_path / "second.err", {"WAVEFLOW_EFFORT_LOCK_WAIT": "1"})
        assert second.code == 1 and second.result is not None
        assert second.result.failed_step == "lock" and second.result.retryable
        reason = second.result.failure_reason or ""
        assert "another runner of this effort is running (pid " in reason and "run run-1" in reason
        assert not ends(implement_pid, within=0.5)  # the first runner's agent still works

        release.write_text("")
        assert first.wait(timeout=HANG_GUARD) == 0
        assert remote.show("feature/one", "one.txt") == "one"
    finally:
        release.write_text("")
        first.kill()
        first.wait()


def test_the_next_runner_waits_for_the_first_to_end(remote, make_inputs, tmp_path):
    release = tmp_path / "release"
    hold = f"import os, time; [time.sleep(0.05) for _ in range(6000) if not os.path.exists({str(release)!r})]"
    first = _start(make_inputs(implement=py(hold), result_path=str(tmp_path / "first.json")))
    try:
        lock = tmp_path / "ws" / ".waveflow" / "locks" / "feature-one.lock"
        deadline = time.monotonic() + HANG_GUARD
        while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        # The first ends a moment after the second starts waiting.
        subprocess.Popen([sys.executable, "-c", f"import time; time.sleep(2); open({str(release)!r}, 'w')"])
        second_inputs = make_inputs(result_path=str(tmp_path / "second.json"), run_id="run-2")
        second = run_within(second_inputs, HANG_GUARD, tmp_path / "second.err", {"WAVEFLOW_EFFORT_LOCK_WAIT": "90"})
        assert second.code == 0 and second.result is not None and second.result.status == "succeeded"
        assert first.wait(timeout=HANG_GUARD) == 0
    finally:
        release.write_text("")
        first.kill()
        first.wait()
