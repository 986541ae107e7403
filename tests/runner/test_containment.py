"""Whatever a command does — daemons in their own session, endless lines, floods of output — the runner ends within
its bound, leaves nothing running and keeps a bounded memory."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from bounded import ends, run_within
from gitrepo import py

from waveflow.runner.process import MAX_LINE_BYTES, STEP_GRACE_SECONDS, run_command
from waveflow.runner.redact import Redactor

# Generous: an effort against a local remote takes seconds; a runner that hangs never ends.
HANG_GUARD = 120.0


def _daemon(pid_file: str, *, detached: bool, port: str = "", ignore_term: bool = False) -> str:
    """A test command that starts a server in a session of its own (`setsid`) and exits at once."""
    server = (
        "import os, signal, socket, sys, time; "
        + ("signal.signal(signal.SIGTERM, signal.SIG_IGN); " if ignore_term else "")
        + (f"s = socket.socket(); s.bind(('127.0.0.1', {port})); s.listen(); " if port else "")
        + f"open({pid_file!r}, 'w').write(str(os.getpid())); time.sleep(300)"
    )
    out = "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL" if detached else "stdout=None"
    return (
        "import os, subprocess, sys, time; "
        f"subprocess.Popen(['setsid', sys.executable, '-c', {server!r}], {out}); "
        f"[time.sleep(0.05) for _ in range(200) if not os.path.exists({pid_file!r})]; print('tests ok')"
    )


def test_a_daemon_holding_the_output_neither_hangs_the_runner_nor_outlives_it(make_inputs, tmp_path):
    pid_file = str(tmp_path / "daemon.pid")
    inputs = make_inputs(test=py(_daemon(pid_file, detached=False)), test_timeout=5)
    out = run_within(inputs, HANG_GUARD, tmp_path / "runner.err")
    assert out.code == 0 and out.result is not None and out.result.status == "succeeded"
    assert ends(int(Path(pid_file).read_text()))


def test_a_daemon_with_its_output_detached_does_not_keep_the_effort_s_port(make_inputs, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pid_file = str(tmp_path / "daemon.pid")
    inputs = make_inputs(
        test=py(_daemon(pid_file, detached=True, port="int(os.environ['PORT_RANGE_START'])")),
        port_start=port,
        port_end=port,
    )
    out = run_within(inputs, HANG_GUARD, tmp_path / "runner.err")
    assert out.code == 0
    assert ends(int(Path(pid_file).read_text()))
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))  # free again: nothing of the effort still listens on it


def test_a_time_out_ends_a_daemon_that_ignores_sigterm_within_the_bound(make_inputs, tmp_path):
    pid_file = str(tmp_path / "daemon.pid")
    stubborn = _daemon(pid_file, detached=False, ignore_term=True)
    command = f"import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); exec({stubborn!r}); time.sleep(300)"
    inputs = make_inputs(test=py(command), test_timeout=3)
    out = run_within(inputs, HANG_GUARD, tmp_path / "runner.err")
    assert out.result is not None and out.result.failed_step == "test"
    assert "timed out after" in (out.result.failure_reason or "")
    assert out.result.timing.seconds["test"] <= 3 + STEP_GRACE_SECONDS
    assert ends(int(Path(pid_file).read_text()))


def test_one_long_line_without_a_newline_is_cut_not_choked_on(make_inputs, tmp_path):
    code = "import sys; sys.stdout.write('x' * 3_000_000 + 'https://bob:hunter22'); sys.stdout.flush()"
    inputs = make_inputs(test=py(code))
    out = run_within(inputs, HANG_GUARD, tmp_path / "runner.err")
    assert out.code == 0 and out.result is not None
    log = Path(out.result.logs["test"]).read_text()
    assert log.endswith(f"[line cut at {MAX_LINE_BYTES} bytes]\n") and len(log) < MAX_LINE_BYTES + 100


def test_a_cut_line_masks_what_may_be_the_start_of_a_secret():
    redact = Redactor(["hunter22-token"])
    assert redact.cut("log line ... hunter2") == "log line ... ***"
    assert redact.cut("clone https://bob:hunt") == "clone https://***"
    assert redact.cut("fine https://host/x") == "fine https://host/x"


def test_output_with_lines_of_every_length_is_logged_whole_up_to_the_cut(tmp_path):
    lines = ["", "a", "b" * (MAX_LINE_BYTES - 1), "c" * MAX_LINE_BYTES, "d" * (MAX_LINE_BYTES + 1), "e"]
    text = "\n".join(lines)
    script = tmp_path / "out.txt"
    script.write_text(text)
    result = run_command(
        [sys.executable, "-c", f"import sys; sys.stdout.write(open({str(script)!r}).read())"],
        cwd=tmp_path, env={}, timeout=60, log_path=tmp_path / "l", echo=None,
    )  # fmt: skip
    assert result.ok
    logged = (tmp_path / "l").read_text().split("\n")
    cut = f" [line cut at {MAX_LINE_BYTES} bytes]"
    assert logged == ["", "a", lines[2], lines[3], "d" * MAX_LINE_BYTES + cut, "e", ""]


@pytest.mark.slow
def test_200_mb_of_output_leaves_the_runner_s_memory_bounded(make_inputs, tmp_path):
    line = "y" * 99
    code = f"import sys; w = sys.stdout.write\nfor _ in range(2_000_000): w({line!r} + '\\n')"
    inputs = make_inputs(test=py(code))
    out = run_within(inputs, HANG_GUARD * 3, tmp_path / "runner.err")
    assert out.code == 0 and out.result is not None
    print(f"200 MB of output: runner peak RSS {out.max_rss_kib // 1024} MiB, {out.seconds:.1f}s")
    assert out.max_rss_kib < 150 * 1024, f"peak RSS {out.max_rss_kib} KiB"


def test_a_daemon_whose_command_kills_its_contain_parent_is_ended_by_the_runner(make_inputs, tmp_path):
    pid_file = str(tmp_path / "daemon.pid")
    command = _daemon(pid_file, detached=True) + "; import os, signal; os.kill(os.getppid(), signal.SIGKILL)"
    out = run_within(make_inputs(test=py(command)), HANG_GUARD, tmp_path / "runner.err")
    assert out.result is not None and out.result.failed_step == "test"
    assert ends(int(Path(pid_file).read_text()))
