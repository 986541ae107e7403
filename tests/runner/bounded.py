"""The runner as a subprocess under a hang guard: how long it ran, how much memory it took, what it left running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from waveflow.runner.contract import RunnerInputs
from waveflow.runner.result import EffortResult

# What the runner fuzz saw, printed after the run (conftest.py).
FUZZ_TALLY: Counter[str] = Counter()


@dataclass
class Bounded:
    code: int
    result: EffortResult | None
    seconds: float
    max_rss_kib: int  # the runner process's peak resident memory (its VmHWM, sampled while it runs)
    stderr: Path


def run_within(inputs: RunnerInputs, bound: float, stderr: Path, env: dict[str, str] | None = None) -> Bounded:
    """Run the runner; fail the test if it is still running after `bound` seconds (killing it)."""
    full_env = {**os.environ, **inputs.to_env(), **(env or {})}
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "waveflow.runner"], env=full_env, stdout=subprocess.DEVNULL, stderr=err
        )
    started = time.monotonic()
    peak = 0
    while True:
        # Not wait4's ru_maxrss: Linux carries a forking parent's peak into the child across exec, so in a long test
        # session it reports this (large) test process, not the runner.
        peak = max(peak, _high_water_kib(proc.pid))
        pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > bound:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise AssertionError(f"the runner was still running after {bound:.0f}s; its stderr is in {stderr}")
        time.sleep(0.05)
    seconds = time.monotonic() - started
    path = Path(inputs.result_path)
    result = EffortResult.model_validate(json.loads(path.read_text())) if path.is_file() else None
    return Bounded(os.waitstatus_to_exitcode(status), result, seconds, peak, stderr)


def _high_water_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM) so far; 0 once it has exited."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    line = next((ln for ln in text.splitlines() if ln.startswith("VmHWM:")), "")
    return int(line.split()[1]) if line else 0


def ends(pid: int, within: float = 10) -> bool:
    """True once `pid` is gone or a zombie."""
    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if "\tZ" in status.read_text():
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False
