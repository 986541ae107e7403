from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from support.memory_store import memory_root

from waveflow.airflow import ui_plugin
from waveflow.airflow.ui_plugin import LOGGED_IN, MAY_READ_RUNS, create_app, safe_segment

SCHEDULED = "scheduled__2025-05-02T02:00:00+00:00"
MANUAL = "manual__2025-05-01T09:00:00+00:00"


@pytest.fixture
def client(reports):
    """The app over the test reports, with Airflow's login and DAG access checks answered "allowed"."""
    app = create_app(reports)
    app.dependency_overrides[LOGGED_IN] = lambda: None
    app.dependency_overrides[MAY_READ_RUNS] = lambda: None
    return TestClient(app)


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_index_lists_plans_and_their_runs_newest_first(client):
    page = client.get("/")
    assert page.status_code == 200
    assert links(page.text) == [
        "dags/billing",
        "dags/billing/runs/scheduled__2025-05-02T02%3A00%3A00%2B00%3A00/report.html",
        "dags/billing/runs/scheduled__2025-05-02T02%3A00%3A00%2B00%3A00/report.md",
        "dags/billing/runs/manual__2025-05-01T09%3A00%3A00%2B00%3A00/report.html",
        "dags/billing/runs/manual__2025-05-01T09%3A00%3A00%2B00%3A00/report.md",
    ]
    assert "<script" not in page.text


def test_dag_page_shows_each_run_with_its_verdict(client):
    page = client.get("/dags/billing")
    assert page.status_code == 200
    rows = re.findall(r"<tr><td><a [^>]+>([^<]+)</a></td><td class=\"(\w+)\">(\w+)</td><td>([^<]+)</td>", page.text)
    assert rows == [
        (SCHEDULED, "fail", "fail", "2025-05-02 02:35:00"),
        (MANUAL, "pass", "pass", "2025-05-01 09:40:00"),
    ]
    # Relative to /waveflow/dags/billing, so it lands on /waveflow/dags/billing/runs/...
    assert links(page.text)[0] == "billing/runs/scheduled__2025-05-02T02%3A00%3A00%2B00%3A00/report.html"


def test_a_dag_without_reports_says_so(client):
    assert "No reports yet" in client.get("/dags/other_plan").text


def test_links_on_the_pages_resolve_to_the_report(client):
    for href in links(client.get("/").text):
        assert client.get("/" + href).status_code == 200, href


def test_serves_the_report_html_and_markdown(client):
    html = client.get(f"/dags/billing/runs/{SCHEDULED}/report.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert f'<code id="run-id">{SCHEDULED}</code>' in html.text
    assert "gates failed: Test Coverage (1.2, overall)" in html.text
    md = client.get("/dags/billing/runs/" + SCHEDULED.replace(":", "%3A").replace("+", "%2B") + "/report.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Run report: Billing rewrite\n")


@pytest.mark.parametrize(
    "path",
    [
        "/dags/billing/runs/nope/report.html",
        "/dags/billing/runs/scratch/report.html",
        "/dags/%2E%2E/runs/secret.txt/report.html",
        "/dags/billing/runs/%2E%2E/report.html",
        "/dags/..%2F..%2F/runs/x/report.html",
        "/dags/billing/runs/..%2F..%2Fsecret.txt/report.md",
        "/dags/billing%00/runs/x/report.html",
        "/dags/%2E%2E",
    ],
)
def test_refuses_anything_but_a_report_inside_the_directory(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "not for the web" not in response.text


@pytest.mark.parametrize("value", ["..", ".", "a/b", "a\\b", "", "x\x00", "dag id", "../etc"])
def test_unsafe_path_segments_are_refused(value):
    with pytest.raises(HTTPException):
        safe_segment(value)


@pytest.mark.parametrize("value", ["billing", "phase10.v2", SCHEDULED, "dataset_triggered__x~1"])
def test_airflow_ids_are_safe_segments(value):
    assert safe_segment(value) == value


def test_pages_need_an_airflow_login(reports):
    anonymous = TestClient(create_app(reports))
    assert anonymous.get("/").status_code == 401
    assert anonymous.get(f"/dags/billing/runs/{SCHEDULED}/report.html").status_code == 401


def test_reports_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("WAVEFLOW_REPORTS_URL", raising=False)
    monkeypatch.setenv("WAVEFLOW_REPORTS_DIR", str(tmp_path / "r"))
    assert ui_plugin.storage_root() == tmp_path / "r"
    monkeypatch.delenv("WAVEFLOW_REPORTS_DIR")
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "home"))
    assert ui_plugin.storage_root() == tmp_path / "home" / "waveflow-reports"


def test_reports_are_listed_from_object_storage(reports, monkeypatch):
    monkeypatch.setenv("WAVEFLOW_REPORTS_URL", f"file://{reports}")
    client = _storage_client()
    assert SCHEDULED in client.get("/dags/billing").text
    assert client.get(f"/dags/billing/runs/{MANUAL}/report.html").status_code == 200


def _storage_client() -> TestClient:
    app = create_app()
    app.dependency_overrides[LOGGED_IN] = lambda: None
    app.dependency_overrides[MAY_READ_RUNS] = lambda: None
    return TestClient(app)


def test_reports_are_served_from_a_store_that_is_no_directory(reports, monkeypatch):
    store = memory_root()
    for path in reports.rglob("*"):
        if path.is_file():
            (store / path.relative_to(reports).as_posix()).write_bytes(path.read_bytes())
    monkeypatch.setenv("WAVEFLOW_REPORTS_URL", str(store))
    client = _storage_client()
    assert re.findall(r"<tr><td><a [^>]+>([^<]+)</a></td>", client.get("/dags/billing").text) == [
        SCHEDULED,
        MANUAL,
    ]
    page = client.get(f"/dags/billing/runs/{MANUAL}/report.html")
    assert page.status_code == 200 and f'<code id="run-id">{MANUAL}</code>' in page.text


def test_a_storage_url_that_cannot_be_used_is_said_not_thrown(monkeypatch):
    monkeypatch.setenv("WAVEFLOW_REPORTS_URL", "s3://bucket/reports")
    page = _storage_client().get("/")
    assert page.status_code == 500
    assert "No filesystem registered for scheme s3" in page.json()["detail"]


@pytest.mark.slow
def test_airflow_loads_the_plugin_from_the_plugins_folder(repo_root, tmp_path):
    """In a fresh interpreter, as the api-server would: the app is mounted and the views are valid for the UI."""
    code = (
        "from airflow import plugins_manager as pm\n"
        "from airflow.api_fastapi.core_api.datamodels.plugins import ExternalViewResponse\n"
        "plugins, errors = pm._get_plugins()\n"
        "assert not errors, errors\n"
        "print([p.name for p in plugins])\n"
        "print([a['url_prefix'] for a in pm.get_fastapi_plugins()[0]])\n"
        "print([(v.destination, v.href) for v in map(ExternalViewResponse.model_validate, pm._get_ui_plugins()[0])])\n"
    )
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(repo_root / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-3:] == [  # Airflow may log a line of its own first
        "['waveflow_ui']",
        "['/waveflow']",
        "[('nav', 'waveflow/'), ('dag', 'waveflow/dags/{DAG_ID}'), "
        "('dag_run', 'waveflow/dags/{DAG_ID}/runs/{RUN_ID}/report.html')]",
    ]
