"""The plugin in a real Airflow api-server, looked at in headless Chromium: the navigation view framing the report list,
and a report served through it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.chromium import CHROMIUM, cli_flags

AIRFLOW = Path(sys.executable).with_name("airflow")
SCHEDULED = "scheduled__2025-05-02T02:00:00+00:00"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"api-server exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/api/v2/monitor/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"api-server not healthy after 180 s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def api_server(reports: Path, tmp_path: Path, repo_root: Path) -> Iterator[str]:
    """An api-server on SQLite with this checkout's plugins folder; the simple auth manager lets everyone in."""
    home = tmp_path / "airflow"
    (home / "dags").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")}
    env |= {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(repo_root / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "WAVEFLOW_REPORTS_DIR": str(reports),
    }
    subprocess.run([str(AIRFLOW), "db", "migrate"], env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    log = home / "api-server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(AIRFLOW), "api-server", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: teardown ends the server and its workers, nothing else
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def chromium(tmp_path: Path, *args: str) -> str:
    flags = [
        *cli_flags(tmp_path),
        "--window-size=1400,900",
        "--virtual-time-budget=15000",  # lets the UI's scripts render before the dump or the screenshot
    ]
    done = subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=180, check=True)
    return done.stdout


def test_plugin_views_in_a_real_api_server(api_server, tmp_path, repo_root):
    artifacts = repo_root / "test-artifacts"
    artifacts.mkdir(exist_ok=True)

    # The navigation view: the Airflow UI frames the plugin's page in an iframe.
    ui = chromium(tmp_path, "--dump-dom", f"{api_server}/plugin/waveflow-reports")
    frames = re.findall(r"<iframe[^>]*\bsrc=\"([^\"]+)\"", ui)
    assert frames == ["waveflow/"], ui[-2000:]
    chromium(tmp_path, f"--screenshot={artifacts / 'ui-plugin-nav.png'}", f"{api_server}/plugin/waveflow-reports")

    # What the frame shows: the DAG's runs, newest first, each with its verdict.
    listing = chromium(tmp_path, "--dump-dom", f"{api_server}/waveflow/dags/billing")
    rows = re.findall(r"<td><a href=\"[^\"]+\">([^<]+)</a></td><td class=\"\w+\">(\w+)</td>", listing)
    assert rows == [(SCHEDULED, "fail"), ("manual__2025-05-01T09:00:00+00:00", "pass")]

    # A report through the server, as the run's Report tab loads it.
    report_url = f"{api_server}/waveflow/dags/billing/runs/{SCHEDULED}/report.html"
    report = chromium(tmp_path, "--dump-dom", report_url)
    assert f'<code id="run-id">{SCHEDULED}</code>' in report
    assert "gates failed: Test Coverage (1.2, overall)" in report
    assert "<svg" in report
    shot = artifacts / "ui-plugin-report.png"
    chromium(tmp_path, f"--screenshot={shot}", report_url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
