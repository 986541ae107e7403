"""The status log and notifications of a run in which one effort fails (`dag.test()`, local backend, demo remote)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from plan_runs import migrate, run

from waveflow.plan.read_yaml import read_yaml

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore")]

FRAMEWORK, CHAOS = "feature/status/framework", "feature/status/chaos"
PLAN = f"""\
name: status-demo
backend: local
schedule: null
defaults:
  commands: {{implement: ["python3", "tools/apply_effort.py"], test: ["make", "test"]}}
  retries: 0
waves: [{{number: 1, name: Framework}}, {{number: 2, name: Chaos}}]
efforts:
  - {{id: "10.1.1", name: E2E Test Framework, wave: 1, branch: {FRAMEWORK}, agent: A, ports: {{start: 30000, end: 30099}}}}
  - id: "10.2.3"
    name: Chaos Testing
    wave: 2
    branch: {CHAOS}
    agent: B
    depends_on: ["10.1.1"]
    ports: {{start: 30300, end: 30399}}
gates:
  - {{metric: PR Size, target: "<800 lines", measurement: Line counter}}
  - {{metric: Chaos Recovery, target: "100% recovery", measurement: Test results}}
"""
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local webhook: (its URL, the JSON bodies posted to it)."""
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received
    finally:
        server.shutdown()
        thread.join(10)


def test_a_run_with_one_failed_effort(repo_root, tmp_path, monkeypatch, webhook):
    url, notified = webhook
    remote = tmp_path / "demo-remote.git"
    subprocess.run([sys.executable, str(repo_root / "include/demo/make_demo_repo.py"), str(remote)], check=True)
    for name, value in {
        "WAVEFLOW_REPO_URL": str(remote),
        "WAVEFLOW_BACKEND": "local",
        "WAVEFLOW_WORKSPACE": str(tmp_path / "workspace"),
        "WAVEFLOW_REPORTS_DIR": str(tmp_path / "reports"),
        "WAVEFLOW_DEADLINES": "off",
        "WAVEFLOW_DEMO_FAIL": "10.2.3",
        "WAVEFLOW_NOTIFY_URL": url,
    }.items():
        monkeypatch.setenv(name, value)
    migrate()

    dag_run, tis = run(read_yaml(PLAN), {})

    assert (tis["wave_1.e10_1_1"].state, tis["wave_2.e10_2_3"].state) == ("success", "failed")
    assert dag_run.state == "failed"
    lines = (tmp_path / "reports" / "status-demo" / dag_run.run_id / "status.log").read_text().splitlines()
    assert all(STAMP.match(line) for line in lines)
    events = [STAMP.sub("", line) for line in lines]
    assert events[:4] == [
        "wave started wave=1",
        f"effort started effort=10.1.1 branch={FRAMEWORK} wave=1",
        f"effort finished effort=10.1.1 branch={FRAMEWORK} outcome=succeeded memoized=False",
        "wave complete wave=1",
    ]
    assert events[4:6] == ["wave started wave=2", f"effort started effort=10.2.3 branch={CHAOS} wave=2"]
    failed = f"effort finished effort=10.2.3 branch={CHAOS} outcome=failed reason="
    assert events[6].startswith(failed) and "tests failed" in events[6]
    assert events[7].startswith("gate metric=PR Size verdict=pass")
    assert events[8].startswith("gate metric=Chaos Recovery verdict=")
    assert events[9:] == ["run finished outcome=failed detail=efforts failed: 10.2.3"]

    texts = [n["text"] for n in notified]
    assert len(texts) == 2, texts
    assert texts[0].startswith(f"status-demo: effort 10.2.3 ({CHAOS}) failed: ")
    assert texts[1] == f"status-demo run {dag_run.run_id} finished: failed: efforts failed: 10.2.3"
    assert {n["run_id"] for n in notified} == {dag_run.run_id}
