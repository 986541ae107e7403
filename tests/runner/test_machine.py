"""An `exclusive` effort's tests run with no other effort's step on the machine: real runners, side by side in one
workspace, as the local backend runs a wave's efforts on one worker."""

from __future__ import annotations

import fcntl
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gitrepo import run_runner

from waveflow.runner.machine import MachineBusy, machine_slot


def _stamped(log: Path, name: str, seconds: float) -> list[str]:
    """A command that appends its start and end times to `log`, sleeping `seconds` between."""
    code = (
        "import json, time\n"
        f"log = open({str(log)!r}, 'a')\n"
        f"log.write(json.dumps([{name!r}, 'start', time.time()]) + '\\n'); log.flush()\n"
        f"time.sleep({seconds})\n"
        f"log.write(json.dumps([{name!r}, 'end', time.time()]) + '\\n')\n"
    )
    return ["python3", "-c", code]


def _spans(log: Path) -> dict[str, tuple[float, float]]:
    marks: dict[str, dict[str, float]] = {}
    for line in log.read_text().splitlines():
        name, what, when = json.loads(line)
        marks.setdefault(name, {})[what] = when
    return {name: (m["start"], m["end"]) for name, m in marks.items()}


def _wait_for(log: Path, name: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if log.is_file() and f'"{name}", "start"' in log.read_text():
            return
        time.sleep(0.05)
    raise AssertionError(f"{name} never started")


@pytest.mark.parametrize("first", ["shared", "exclusive"])
def test_an_exclusive_effort_tests_alone(first, make_inputs, tmp_path):
    log = tmp_path / "steps.jsonl"
    shared = make_inputs(
        effort="1.1",
        branch="feature/shared",
        implement=_stamped(log, "shared implement", 0.5),
        test=_stamped(log, "shared test", 3.0),
        result_path=str(tmp_path / "shared.json"),
    )
    exclusive = make_inputs(
        effort="1.2",
        branch="feature/bench",
        exclusive=True,
        implement=_stamped(log, "bench implement", 0.1),
        test=_stamped(log, "bench test", 3.0),
        result_path=str(tmp_path / "bench.json"),
    )
    order = [shared, exclusive] if first == "shared" else [exclusive, shared]
    with ThreadPoolExecutor(2) as pool:
        running = pool.submit(run_runner, order[0])
        # The second starts while the first's test step runs.
        _wait_for(log, "shared test" if first == "shared" else "bench test")
        later = pool.submit(run_runner, order[1])
        outcomes = {o.result.effort: o for o in (running.result(), later.result()) if o.result}
    assert {e: o.result.status for e, o in outcomes.items()} == {"1.1": "succeeded", "1.2": "succeeded"}
    spans = _spans(log)
    bench_start, bench_end = spans["bench test"]
    for name, (start, end) in spans.items():
        if name != "bench test":
            assert end <= bench_start or start >= bench_end, f"{name} overlapped the benchmark's tests"
    bench = outcomes["1.2"].result
    assert bench.tested_alone is True and outcomes["1.1"].result.tested_alone is False
    waiting = bench if first == "shared" else outcomes["1.1"].result
    # It waited (how long depends on how fast the later runner got to its step on a loaded machine; the spans above
    # are what shows the benchmark ran alone).
    assert max(waiting.timing.waited.values()) > 0
    assert "waited" in (outcomes["1.2"] if first == "shared" else outcomes["1.1"]).stderr


def test_a_machine_busy_for_the_whole_time_out_fails_the_step_and_keeps_the_work(make_inputs, remote, tmp_path):
    inputs = make_inputs(exclusive=True, test_timeout=1)
    lock = Path(inputs.workspace) / ".waveflow" / "machine.lock"
    lock.parent.mkdir(parents=True)
    with lock.open("a") as held:
        # Another effort's step holds the machine.
        fcntl.flock(held, fcntl.LOCK_SH)
        out = run_runner(inputs)
    assert out.result is not None and out.result.status == "failed"
    assert out.result.failed_step == "test"
    assert "waited 1s for every other effort's steps to end on this machine" in (out.result.failure_reason or "")
    # The implement step's work was committed and pushed all the same.
    assert out.result.pushed and remote.show("feature/one", "one.txt") == "one"


def test_machine_slot_shares_until_one_step_needs_it_alone(tmp_path):
    lock = tmp_path / "machine.lock"
    with machine_slot(lock, alone=False, timeout=1) as waited, machine_slot(lock, alone=False, timeout=1):
        assert waited == 0
        with pytest.raises(MachineBusy, match="waited 0s for every other effort's steps"):
            machine_slot(lock, alone=True, timeout=0.3).__enter__()
    with machine_slot(lock, alone=True, timeout=1), pytest.raises(MachineBusy, match="an exclusive effort's tests"):
        machine_slot(lock, alone=False, timeout=0.3).__enter__()
    with machine_slot(None, alone=True, timeout=0) as waited:
        assert waited == 0.0
