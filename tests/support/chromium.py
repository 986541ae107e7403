"""Debian's headless Chromium as every browser test starts it."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, which a closed network refuses at every start.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def cli_flags(tmp_path: Path) -> list[str]:
    """Flags for running the binary directly (`--dump-dom`, `--screenshot`), with a profile of its own."""
    return ["--headless", *FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]
