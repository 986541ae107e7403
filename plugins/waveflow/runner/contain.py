"""The parent every command of an effort runs under, so that nothing the command starts outlives its step.

`python -I contain.py RUNNER_PID GRACE -- ARGV...` runs ARGV and exits as it did. On Linux it is a child subreaper
(`prctl(PR_SET_CHILD_SUBREAPER)`): a process the command starts stays its descendant whatever it does to its session
or process group (`setsid`, a double fork), because an orphan is handed to the nearest subreaper, not to init. When
the command exits, every descendant left is killed and reaped; on SIGTERM (the step's time-out, or the runner's death
through `PR_SET_PDEATHSIG`) every descendant gets SIGTERM, then SIGKILL after GRACE seconds. Elsewhere only the
process group the runner gives it contains the command.

Standalone on purpose (standard library only, started with `-I`): the command's environment, its PYTHONPATH
included, cannot change what runs here.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
KILL_PATIENCE_SECONDS = 10.0  # a process in uninterruptible sleep dies when its I/O ends; not waited for forever


class _Terminate(Exception):
    pass


def become_subreaper() -> bool:
    """Make this process the parent of every orphan below it; False where the kernel cannot (not Linux)."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def _prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _descendants() -> list[int]:
    """Every live process below this one (zombies are only reaped: they hold nothing)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while we looked
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def end_descendants(grace: float) -> None:
    """SIGTERM every descendant and wait up to `grace` for them; SIGKILL what is left, until nothing is."""
    if grace > 0:
        _signal_all(_descendants(), signal.SIGTERM)
        deadline = time.monotonic() + grace
        while _descendants() and time.monotonic() < deadline:
            _reap()
            time.sleep(0.05)
    deadline = time.monotonic() + KILL_PATIENCE_SECONDS
    # A process killed between two scans may have forked first: its child is handed to us and found by the next.
    while (left := _descendants()) and time.monotonic() < deadline:
        _signal_all(left, signal.SIGKILL)
        _reap()
        time.sleep(0.01)
    _reap()


def main(args: list[str]) -> int:
    runner_pid, grace, argv = int(args[0]), float(args[1]), args[3:]

    def terminate(signum: int, frame: object) -> None:
        raise _Terminate

    signal.signal(signal.SIGTERM, terminate)
    contained = become_subreaper()
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != runner_pid:
        return 143  # the runner died before the signal was asked for
    try:
        try:
            child = subprocess.Popen(argv)
        except OSError as exc:
            print(f"cannot start {argv[0]!r}: {exc.strerror or exc}", flush=True)
            return 127
        code = child.wait()
    except _Terminate:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if contained:
            end_descendants(grace)
        return 143
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the runner's SIGKILL to the group is its last word from here
    if contained:
        end_descendants(0)
    if code < 0:
        # Die of the command's signal, so the runner sees what the command saw.
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
