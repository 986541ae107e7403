"""Random commands through the real runner: output of every size and shape, forks, daemons in sessions of their own,
SIGTERM ignored, every kind of exit. Every run must end within its bound with a result JSON that says what the command
did, and leave none of its processes running."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from bounded import FUZZ_TALLY, ends, run_within
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waveflow.runner.process import STEP_GRACE_SECONDS

TEST_TIMEOUT = 3
# The test step's bound, plus the git steps of an effort against a local remote on a loaded machine.
BOUND = TEST_TIMEOUT + STEP_GRACE_SECONDS + 60
EXAMPLES = 8
_branches = itertools.count()

processes = st.fixed_dictionaries(
    {
        "setsid": st.booleans(),
        "output": st.sampled_from(["inherit", "devnull"]),
        "ignore_term": st.booleans(),
        "lifetime": st.sampled_from([0.0, 0.5, 300.0]),
        "grandchild": st.booleans(),  # forks once more and exits: the grandchild is an orphan
    }
)
commands = st.fixed_dictionaries(
    {
        "lines": st.sampled_from([0, 1, 50, 20_000]),
        "line_bytes": st.sampled_from([0, 1, 80, 70_000, 1_500_000]),
        "final_newline": st.booleans(),
        "binary": st.booleans(),
        "children": st.lists(processes, max_size=3),
        "ignore_term": st.booleans(),
        "sleep": st.sampled_from([0.0, 0.5, 300.0]),
        "exit": st.sampled_from(["0", "1", "3", "SIGKILL", "SIGSEGV"]),
    }
)

_CHILD = """
import os, signal, sys, time
pids, lifetime, ignore_term, grandchild = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", sys.argv[4] == "1"
if ignore_term:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if grandchild and os.fork():
    os._exit(0)
open(os.path.join(pids, str(os.getpid())), "w").close()
print("child", os.getpid(), flush=True)
time.sleep(lifetime)
"""


def script(spec: dict, pids: Path) -> str:
    """The command as a Python program: what it prints, starts, ignores and how it ends."""
    return f"""
import os, signal, subprocess, sys, time
spec, pids = {spec!r}, {str(pids)!r}
open(os.path.join(pids, str(os.getpid())), "w").close()
if spec["ignore_term"]:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
for c in spec["children"]:
    out = None if c["output"] == "inherit" else subprocess.DEVNULL
    argv = [sys.executable, "-c", {_CHILD!r}, pids, str(c["lifetime"]), str(int(c["ignore_term"])),
            str(int(c["grandchild"]))]
    subprocess.Popen(argv, stdout=out, stderr=out, start_new_session=c["setsid"])
unit = (bytes(range(256)) if spec["binary"] else b"https://user:tok@host/ x")
line = (unit * (spec["line_bytes"] // len(unit) + 1))[: spec["line_bytes"]].replace(b"\\n", b" ")
count = min(spec["lines"], 20_000_000 // (len(line) + 1))  # at most 20 MB: the flood test is test_containment's
for n in range(count):
    sys.stdout.buffer.write(line + (b"\\n" if n < count - 1 or spec["final_newline"] else b""))
sys.stdout.flush()
time.sleep(spec["sleep"])
if spec["exit"].startswith("SIG"):
    os.kill(os.getpid(), getattr(signal, spec["exit"]))
sys.exit(int(spec["exit"]))
"""


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=commands)
def test_every_run_ends_within_its_bound_with_a_result(spec, make_inputs, tmp_path):
    n = next(_branches)
    work = tmp_path / f"fuzz-{n}"
    pids = work / "pids"
    pids.mkdir(parents=True)
    program = work / "command.py"
    program.write_text(script(spec, pids))
    inputs = make_inputs(
        branch=f"fuzz/{n}", test=[sys.executable, str(program)], test_timeout=TEST_TIMEOUT,
        result_path=str(work / "result.json"),
    )  # fmt: skip
    out = run_within(inputs, BOUND, work / "runner.err")
    r = out.result
    assert r is not None, f"no result JSON; stderr in {out.stderr}"
    timed_out = spec["sleep"] > TEST_TIMEOUT
    if timed_out:
        assert r.failed_step == "test" and "timed out" in (r.failure_reason or "")
    elif spec["exit"] == "0":
        assert out.code == 0 and r.status == "succeeded", r.failure_reason
    else:
        assert out.code == 1 and r.failed_step == "test", r.failure_reason
    left = [int(p.name) for p in pids.iterdir() if not ends(int(p.name))]
    assert not left, f"still running after the runner ended: {left}"
    FUZZ_TALLY["timed out" if timed_out else f"exit {spec['exit']}"] += 1
    FUZZ_TALLY["runs"] += 1
    FUZZ_TALLY["processes started"] += len(list(pids.iterdir()))
    FUZZ_TALLY["seconds (longest)"] = max(FUZZ_TALLY["seconds (longest)"], round(out.seconds))
    FUZZ_TALLY["peak RSS MiB (largest)"] = max(FUZZ_TALLY["peak RSS MiB (largest)"], out.max_rss_kib // 1024)
