"""What `waveflow validate` makes of files that are not plain UTF-8 plans: devices, FIFOs, byte order marks, other
encodings. Each is a real file (or device) given to the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys

WAVEFLOW = [sys.executable, "-m", "waveflow.cli"]
BOM = "\ufeff"
TABLE = "# Phase 3: Billing\n## Wave 1: Base\n| Effort | Branch | Name | Agent |\n|---|---|---|---|\n| 3.1 | f/a | A | a1 |\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # The time-out is a hang guard: reading /dev/zero without a bound never ends.
    return subprocess.run([*WAVEFLOW, *args], capture_output=True, text=True, timeout=60)


def test_a_device_is_refused_unread():
    out = run("validate", "/dev/zero")
    assert out.returncode == 2
    assert out.stderr == (
        "/dev/zero: error: this is a character device, not a file: a plan is read from a regular file only "
        "(nothing was read)\n"
    )


def test_a_fifo_named_as_a_plan_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    out = run("validate", str(fifo))
    assert out.returncode == 2
    assert f"{fifo}: error: this is a FIFO, not a file" in out.stderr and "Traceback" not in out.stderr


def test_a_byte_order_mark_keeps_the_markdown_front_matter(tmp_path):
    path = tmp_path / "billing.md"
    path.write_text(BOM + "---\nbackend: local\nschedule: '@daily'\n---\n" + TABLE, encoding="utf-8")
    out = run("convert", str(path), "--to", "yaml")
    assert out.returncode == 0, out.stderr
    assert {"backend: local", "schedule: '@daily'"} <= set(out.stdout.splitlines())
    assert "name: phase3" in out.stdout.splitlines()  # the title's, not a slug of the heading with the mark


def test_a_yaml_plan_with_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BOM + "name: p\nwaves: [{number: 1}]\nefforts:\n  - {id: a, name: A, wave: 1, agent: x}\n")
    out = run("validate", str(path))
    assert out.returncode == 0, out.stderr
    assert f"{path}: ok: p: 1 effort in 1 wave" in out.stdout


def test_a_plan_not_in_utf8_is_refused_at_the_line_of_the_first_undecodable_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: p\nwaves: [{number: 1}]\n# café\n".encode("latin-1"))
    out = run("validate", str(path))
    assert out.returncode == 2
    assert out.stderr == f"{path}:3: error: not UTF-8: byte 0xe9 at column 6; save the plan as UTF-8\n"
