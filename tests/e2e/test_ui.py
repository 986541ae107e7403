"""A person's view: log in to the Airflow UI in headless Chromium and open the phase 10 DAG's graph."""

from __future__ import annotations

import pytest
from support.chromium import CHROMIUM, FLAGS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def page():
    if not CHROMIUM.exists():
        pytest.skip("Chromium (Debian package chromium) is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        yield context.new_page()
        browser.close()


def login(page, e2e) -> None:
    settings = e2e.stack.settings
    page.goto(settings.base_url + "/", wait_until="networkidle")
    page.locator("input[name=username], input#username, input[type=text]").first.fill("admin")
    page.locator("input[type=password]").first.fill(settings.admin_password())
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/auth/" not in url, timeout=60_000)


def test_run_page_shows_waves_and_efforts(e2e, page):
    params = {"limit": 1, "order_by": "-start_date"}
    runs = e2e.api.call("GET", "/dags/phase10/dagRuns", params=params)["dag_runs"]
    assert runs, "the run tests leave at least one run to look at"
    login(page, e2e)
    page.goto(
        f"{e2e.stack.settings.base_url}/dags/phase10/runs/{runs[0]['dag_run_id']}?mode=graph", wait_until="networkidle"
    )
    # The run page: the grid on the left lists the task groups, the task instance table every task.
    page.get_by_text("wave_1.e10_1_1").first.wait_for(timeout=60_000)
    text = page.inner_text("body")
    page.screenshot(path=str(e2e.artifacts / "ui-dag-phase10.png"), full_page=True)
    for group in ("preflight", "wave_1", "wave_1_landed", "wave_2", "quality_gates"):
        assert group in text
    for task in ("wave_1.e10_1_1", "quality_gates.report", "quality_gates.run_outcome"):
        assert task in text
