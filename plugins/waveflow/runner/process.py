"""Run one command (an argv list, never a shell) in its own process group, under a time-out that ends the group.

An agent or a test suite may start servers and helpers of its own; killing only the direct child would leave them
holding ports and the output pipe. Everything the command started shares its process group, so it all goes together.
A runner that is itself killed (SIGKILL, OOM) cannot end the group: the group's id is written to `group_file` while it
runs, and the next runner of the effort ends what is left before it touches the worktree.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

TERM_GRACE_SECONDS = 5.0
TAIL_LINES = 20


@dataclass
class CommandResult:
    argv: list[str]
    returncode: int | None  # None: timed out
    timed_out: bool
    seconds: float
    log_path: Path
    tail: list[str]  # the last lines of output, redacted: enough to say why it failed

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def run_command(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    log_path: Path,
    redact: Callable[[str], str] = str,
    echo: TextIO | None = sys.stderr,
    group_file: Path | None = None,
) -> CommandResult:
    """Run `argv`; its output (stdout and stderr, redacted) goes to `log_path` and to `echo` as it comes."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the time-out can end everything it started
        )
    except OSError as exc:
        line = redact(f"cannot start {argv[0]!r}: {exc.strerror or exc}")
        log_path.write_text(line + "\n")
        return CommandResult(list(argv), 127, False, 0.0, log_path, [line])

    if group_file is not None:
        group_file.parent.mkdir(parents=True, exist_ok=True)
        group_file.write_text(f"{proc.pid} {_start_ticks(proc.pid)}\n", encoding="utf-8")
    with log_path.open("w", encoding="utf-8") as log:
        reader = threading.Thread(target=_copy_output, args=(proc, log, echo, tail, redact), daemon=True)
        reader.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _end_group(proc)
        # A leader that exited may leave children behind holding the pipe (and ports): end them too.
        _signal_group(proc.pid, signal.SIGKILL)
        reader.join()
    if group_file is not None:
        group_file.unlink(missing_ok=True)
    return CommandResult(
        list(argv), None if timed_out else proc.returncode, timed_out, time.monotonic() - started, log_path, list(tail)
    )


def _copy_output(
    proc: subprocess.Popen[bytes], log: TextIO, echo: TextIO | None, tail: deque[str], redact: Callable[[str], str]
) -> None:
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = redact(raw.decode("utf-8", errors="replace").rstrip("\n"))
        log.write(line + "\n")
        if echo is not None:
            echo.write(line + "\n")
        tail.append(line)
    log.flush()


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=TERM_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def end_leftover_group(group_file: Path) -> int | None:
    """End the process group a killed runner left running (recorded in `group_file`); its id, or None if none was."""
    try:
        pgid_text, ticks = group_file.read_text(encoding="utf-8").split()
        pgid = int(pgid_text)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            group_file.unlink()
        return None
    group_file.unlink()
    leader_ticks = _start_ticks(pgid)
    if leader_ticks is not None and str(leader_ticks) != ticks:
        return None  # the id now belongs to another process: the recorded group ended long ago
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return None
    return pgid


def _start_ticks(pid: int) -> int | None:
    """When the process started (clock ticks since boot), to tell it from a later process given the same id."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])
