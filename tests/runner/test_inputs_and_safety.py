"""Input parsing (flags over env), checks, redaction, and the process-group runner, without a remote."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from bounded import ends

from waveflow.runner.checks import check, ref_problem
from waveflow.runner.cli import parse_inputs
from waveflow.runner.contract import RunnerInputs
from waveflow.runner.errors import InvalidInput
from waveflow.runner.process import end_leftover_group, run_command
from waveflow.runner.redact import Redactor, split_credentials
from waveflow.runner.workspace import worktree_path

BASE = ["--plan", "p", "--effort", "1", "--repo", "r.git", "--branch", "b"]


def test_flags_win_over_env_and_lists_take_json_or_repeats(monkeypatch):
    monkeypatch.setenv("WAVEFLOW_BASE_REF", "develop")
    monkeypatch.setenv("WAVEFLOW_TEST", '["make", "check"]')
    monkeypatch.setenv("PORT_RANGE_START", "30000")
    monkeypatch.setenv("PORT_RANGE_END", "30099")
    inputs = parse_inputs([*BASE, "--dependency-branches", "a", "--dependency-branches", "b/c", "--port-end", "30050"])
    assert inputs.base_ref == "develop" and inputs.test == ["make", "check"]
    assert inputs.dependency_branches == ["a", "b/c"] and (inputs.port_start, inputs.port_end) == (30000, 30050)
    spaced = parse_inputs([*BASE, "--implement", '["agent", "--prompt", "do it, then test"]'])
    assert spaced.implement == ["agent", "--prompt", "do it, then test"]


def test_env_round_trip():
    inputs = RunnerInputs(
        plan="p", effort="1", repo="r", branch="b", dependency_branches=["x"], port_start=1, port_end=2
    )
    assert RunnerInputs.from_env(inputs.to_env()) == inputs


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port-start", "30"], "PORT_RANGE_START and PORT_RANGE_END go together"),
        (["--port-start", "30", "--port-end", "20"], "port range 30-20 is not within 1-65535 in order"),
        (["--test-timeout", "0"], "WAVEFLOW_TEST_TIMEOUT must be a positive number of seconds"),
        (["--dependency-branches", "b"], "branch 'b' lists itself as a dependency"),
        (["--base-ref", "main..x"], "base ref 'main..x' is not a valid git branch or tag name"),
        (["--implement", "[1, 2]"], "must be a JSON list of strings"),
        (["--implement", "[oops"], "a list flag is not valid JSON"),
    ],
)
def test_invalid_inputs_are_named(argv, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_inputs([*BASE, *argv])


def test_every_problem_at_once():
    bad = RunnerInputs(plan="p", effort="1", repo="-u", branch="-b", mode="x")
    with pytest.raises(InvalidInput) as err:
        check(bad)
    assert str(err.value).count(";") == 2


def test_ref_names():
    for good in ("main", "feature/tmc-completion/p10w1-e2e-framework", "v1.2.3", "release_9"):
        assert ref_problem("branch", good) is None
    for bad in ("-rf", "a..b", "a b", "a~1", "x.lock", "a/", "@", "a//b", "a/.hidden", "HEAD@{1}"):
        assert ref_problem("branch", bad), bad


def test_worktree_paths_stay_inside_the_workspace(tmp_path):
    assert worktree_path(tmp_path, "p10w1-e2e-framework") == (tmp_path / "p10w1-e2e-framework").resolve()
    (tmp_path / "link").symlink_to("/")
    for bad in ("../x", "/etc", "a/../../x", ".waveflow/mirrors", "link/tmp"):
        with pytest.raises(InvalidInput):
            worktree_path(tmp_path, bad)


def test_redaction():
    assert split_credentials("https://bob:tok@host/x.git") == ("https://host/x.git", "bob", "tok")
    assert split_credentials("git@host:x.git") == ("git@host:x.git", None, None)
    redact = Redactor.for_run("https://bob:hunter22@host/x.git", {"GITHUB_TOKEN": 'gh"p_1'})
    text = redact('fatal: https://bob:hunter22@host/x.git refused hunter22 and gh"p_1 and {"t": "gh\\"p_1"}')
    assert text == 'fatal: https://***@host/x.git refused *** and *** and {"t": "***"}'


def test_redaction_is_linear_in_long_runs_of_scheme_characters():
    code = (
        "from waveflow.runner.redact import Redactor; run = 'a' * 2_000_000; "
        "assert Redactor()(run + '://u:p@h ' + run) == run + '://***@h ' + run"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)  # a hang guard: it used to take minutes


def test_run_command_captures_and_redacts(tmp_path):
    log = tmp_path / "out.log"
    result = run_command(
        [sys.executable, "-c", "import sys; print('a secret-value'); sys.exit(4)"],
        cwd=tmp_path, env={}, timeout=60, log_path=log, redact=Redactor(["secret-value"]), echo=None,
    )  # fmt: skip
    assert result.returncode == 4 and not result.ok and not result.timed_out
    assert log.read_text() == "a ***\n" and result.tail == ["a ***"]


def test_run_command_kills_the_group_on_time_out(tmp_path):
    pid_file = tmp_path / "pid"
    code = (
        "import subprocess, time; "
        f"p = subprocess.Popen(['sleep', '300']); open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(300)"
    )
    result = run_command(
        [sys.executable, "-c", code], cwd=tmp_path, env={}, timeout=1, log_path=tmp_path / "l", echo=None
    )
    assert result.timed_out and result.returncode is None
    assert ends(int(pid_file.read_text()))


def test_run_command_ends_leftover_children_of_a_finished_command(tmp_path):
    pid_file = tmp_path / "pid"
    code = f"import subprocess; p = subprocess.Popen(['sleep', '300']); open({str(pid_file)!r}, 'w').write(str(p.pid))"
    result = run_command(
        [sys.executable, "-c", code], cwd=tmp_path, env={}, timeout=60, log_path=tmp_path / "l", echo=None
    )
    assert result.ok
    assert ends(int(pid_file.read_text()))


def test_a_killed_runner_takes_its_command_and_the_command_s_daemon_along(tmp_path):
    group_file, pid_file = tmp_path / "running" / "implement", tmp_path / "pids"
    command = (
        "import os, subprocess, time; "
        "d = subprocess.Popen(['setsid', 'sleep', '300'], stdout=subprocess.DEVNULL); time.sleep(0.5); "
        f"open({str(pid_file)!r}, 'w').write(f'{{os.getpid()}} {{d.pid}}'); time.sleep(300)"
    )
    runner_code = (
        "import sys; from pathlib import Path; from waveflow.runner.process import run_command; "
        f"run_command([sys.executable, '-c', {command!r}], cwd=Path({str(tmp_path)!r}), env={{}}, timeout=300, "
        f"log_path=Path({str(tmp_path / 'log')!r}), echo=None, group_file=Path({str(group_file)!r}))"
    )
    runner = subprocess.Popen([sys.executable, "-c", runner_code])
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
    runner.kill()
    runner.wait()
    command_pid, daemon_pid = map(int, pid_file.read_text().split())
    assert ends(command_pid) and ends(daemon_pid)


def test_a_group_left_behind_is_ended_by_the_next_runner(tmp_path):
    leftover = subprocess.Popen(["sleep", "300"], start_new_session=True)
    try:
        started = Path(f"/proc/{leftover.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        group_file = tmp_path / "running" / "implement"
        group_file.parent.mkdir()
        group_file.write_text(f"{leftover.pid} {started}\n")
        assert end_leftover_group(group_file) == leftover.pid
        assert leftover.wait(timeout=10) == -9 and not group_file.exists()
        assert end_leftover_group(group_file) is None
    finally:
        leftover.kill()
        leftover.wait()


def test_a_recorded_group_whose_id_was_reused_is_left_alone(tmp_path):
    stranger = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        group_file = tmp_path / "implement"
        group_file.write_text(f"{stranger.pid} 1\n")  # its id, but it was not started at tick 1
        assert end_leftover_group(group_file) is None and not group_file.exists()
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_missing_program(tmp_path):
    result = run_command(["no-such-program-here"], cwd=tmp_path, env={}, timeout=5, log_path=tmp_path / "l", echo=None)
    assert result.returncode == 127 and "cannot start 'no-such-program-here'" in result.tail[0]
