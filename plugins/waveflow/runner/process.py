"""Run one command (an argv list, never a shell) under a time-out that ends everything it started.

An agent or a test suite may start servers and helpers of its own, in its own session even (`setsid`); killing only
the direct child would leave them holding ports and the output pipe. Each command runs under `contain.py`, a child
subreaper that kills whatever the command left when it exits, and on the time-out ends every descendant (SIGTERM,
SIGKILL after a grace); it also leads the command's process group, the whole containment where there is no
subreaper (not Linux). The output is read in chunks, lines longer than `MAX_LINE_BYTES` are cut, and it goes to the
log file as it comes: memory holds a bounded tail, not the output. Reading never waits more than `DRAIN_SECONDS`
once the command has ended, whoever still holds the pipe.

A runner that is itself killed (SIGKILL, OOM) takes its commands along: `contain.py` asks for SIGTERM on its parent's
death. In case that fails too, the group's id is written to `group_file` while it runs, and the next runner of the
effort ends what is left before it touches the worktree.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .contain import KILL_PATIENCE_SECONDS, become_subreaper, end_descendants
from .redact import Redactor

TERM_GRACE_SECONDS = 5.0
# What `contain.py` may take beyond its grace to end the tree and exit, and the reader to drain the pipe after it.
CONTAIN_MARGIN_SECONDS = 15.0
DRAIN_SECONDS = 5.0
# The most a step can outlast its time-out (docs/runner.md says so): the grace and the margin, the runner killing what
# it adopted, the drain, and the reader's polls.
STEP_GRACE_SECONDS = TERM_GRACE_SECONDS + CONTAIN_MARGIN_SECONDS + KILL_PATIENCE_SECONDS + DRAIN_SECONDS + 1.0
TAIL_LINES = 20
MAX_LINE_BYTES = 64 * 1024
# What the metrics and the agent's usage are read from: the end of a log, never all of it (output may be gigabytes;
# the line count bounds the memory of the per-line lists the parsers build, 8 MiB of 2-byte lines would be 4 million).
OUTPUT_READ_BYTES = 8 * 1024 * 1024
OUTPUT_READ_LINES = 100_000
_CONTAIN = Path(__file__).with_name("contain.py")
_READ_BYTES = 64 * 1024
# Set once by `adopt_orphans` (the runner's own process only, never a library caller's).
_adopting = False
_POLL_SECONDS = 0.2


def adopt_orphans() -> None:
    """Make the runner a subreaper too: what a command's descendants leave after killing `contain.py` itself is
    handed to the runner, which ends it when the step ends. Only for a process whose children are all the runner's:
    it then kills every descendant left after each command."""
    global _adopting
    _adopting = become_subreaper()


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
    redact: Redactor | None = None,
    echo: TextIO | None = sys.stderr,
    group_file: Path | None = None,
) -> CommandResult:
    """Run `argv`; its output (stdout and stderr, redacted) goes to `log_path` and to `echo` as it comes."""
    redact = redact or Redactor()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    started = time.monotonic()
    contain = [sys.executable, "-I", str(_CONTAIN), str(os.getpid()), str(TERM_GRACE_SECONDS), "--"]
    try:
        proc = subprocess.Popen(
            [*contain, *argv],
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
    assert proc.stdout is not None
    ended = threading.Event()
    with log_path.open("w", encoding="utf-8") as log:
        reader = threading.Thread(
            target=_copy_output, args=(proc.stdout.fileno(), log, echo, tail, redact, ended), daemon=True
        )
        reader.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _end_group(proc)
        # Where nothing reaps for the command (no subreaper), its group's leftovers still hold the pipe and ports.
        _signal_group(proc.pid, signal.SIGKILL)
        if _adopting:
            end_descendants(0)
        ended.set()
        reader.join(DRAIN_SECONDS + _POLL_SECONDS * 2)
    if not reader.is_alive():
        proc.stdout.close()
    if group_file is not None:
        group_file.unlink(missing_ok=True)
    return CommandResult(
        list(argv), None if timed_out else proc.returncode, timed_out, time.monotonic() - started, log_path, list(tail)
    )


class _Lines:
    """Splits output into lines; of a line longer than MAX_LINE_BYTES only the start is kept, the rest is counted."""

    def __init__(self) -> None:
        self.line = bytearray()
        self.cut = 0  # bytes of the current line past the limit

    def feed(self, chunk: bytes) -> list[tuple[bytes, bool]]:
        """The lines `chunk` completes, each with whether it was cut (a cut line comes out once it ends)."""
        out: list[tuple[bytes, bool]] = []
        start = 0
        while start <= len(chunk):
            newline = chunk.find(b"\n", start)
            piece = chunk[start:] if newline < 0 else chunk[start:newline]
            room = MAX_LINE_BYTES - len(self.line)
            self.line += piece[:room]
            self.cut += max(0, len(piece) - room)
            if newline < 0:
                break
            out.append(self.finish())
            start = newline + 1
        return out

    def finish(self) -> tuple[bytes, bool]:
        line, cut = bytes(self.line), self.cut > 0
        self.line.clear()
        self.cut = 0
        return line, cut


def _copy_output(
    fd: int, log: TextIO, echo: TextIO | None, tail: deque[str], redact: Redactor, ended: threading.Event
) -> None:
    lines = _Lines()
    drain_until: float | None = None

    def emit(raw: bytes, cut: bool) -> None:
        text = raw.decode("utf-8", errors="replace")
        line = redact.cut(text) + f" [line cut at {MAX_LINE_BYTES} bytes]" if cut else redact(text)
        log.write(line + "\n")
        if echo is not None:
            echo.write(line + "\n")
        tail.append(line)

    while True:
        if ended.is_set() and drain_until is None:
            drain_until = time.monotonic() + DRAIN_SECONDS
        if drain_until is not None and time.monotonic() > drain_until:
            break  # something outside the command's tree holds the pipe: stop reading, do not wait for it
        readable, _, _ = select.select([fd], [], [], _POLL_SECONDS)
        if not readable:
            continue
        chunk = os.read(fd, _READ_BYTES)
        if not chunk:
            break
        for raw, cut in lines.feed(chunk):
            emit(raw, cut)
    if lines.line or lines.cut:
        emit(*lines.finish())
    log.flush()


def read_output(log_path: Path) -> str:
    """The end of a command's log: its last OUTPUT_READ_BYTES, at most OUTPUT_READ_LINES whole lines of them."""
    with log_path.open("rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(max(0, size - OUTPUT_READ_BYTES))
        data = fh.read()
    if size > len(data):
        data = data[data.find(b"\n") + 1 :]  # the first line read is a part of one
    start = len(data)
    for _ in range(OUTPUT_READ_LINES):
        start = data.rfind(b"\n", 0, start - 1 if start else 0)
        if start < 0:
            return data.decode("utf-8", errors="replace")
    return data[start + 1 :].decode("utf-8", errors="replace")


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the group; `contain.py` passes it to the command's other descendants and ends them after the grace."""
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=TERM_GRACE_SECONDS + CONTAIN_MARGIN_SECONDS)
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
