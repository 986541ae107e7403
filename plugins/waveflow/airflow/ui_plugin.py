"""The Airflow UI plugin: run reports per plan, served by a FastAPI app mounted in the api-server at `/waveflow`.

Reports live at `<storage root>/<dag_id>/<run_id>/report.html` (see the report task and `storage`); the api-server
reads them through the ObjectStoragePath the report task wrote them with, so it needs no disk of the workers. The app
lists plans and runs and serves the files; three external views put it in the UI: "Waveflow reports" in the
navigation, a "Reports" tab on each DAG and a "Report" tab on each run. The pages are plain HTML with no scripts,
because the UI frames them in a sandboxed iframe that allows none.

Every page needs an Airflow login (the UI's session cookie or a bearer token), and a DAG's reports need read access to
that DAG's runs: the same rule the UI applies to the runs themselves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
from airflow.api_fastapi.core_api.security import requires_access_dag, requires_authenticated
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import HTMLResponse, PlainTextResponse

from .storage import StorageError, storage_root

URL_PREFIX = "/waveflow"
# Airflow's own run id pattern, which also keeps `/`, `\` and NUL out; `.` and `..` are refused separately.
_SEGMENT = re.compile(r"^[A-Za-z0-9_.~:+-]{1,250}$")
_PAGE_CSS = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:20px;color:#1d1d1f}h1{font-size:20px}h2{font-size:16px}"
    "table{border-collapse:collapse}th,td{border:1px solid #d8d8d8;padding:4px 10px;text-align:left}"
    "th{background:#f3f4f6}.pass{color:#1d6b34}.fail{color:#9b2419}.none{color:#666}"
)


LOGGED_IN = requires_authenticated()
MAY_READ_RUNS = requires_access_dag("GET", DagAccessEntity.RUN)  # the DAG is the request's `dag_id` path parameter


def safe_segment(value: str) -> str:
    """A DAG or run id fit to be one path component; anything else is answered 404, never looked up."""
    if not _SEGMENT.match(value) or value in (".", ".."):
        raise HTTPException(status_code=404, detail="no such report")
    return value


@dataclass(frozen=True)
class RunEntry:
    dag_id: str
    run_id: str
    verdict: str
    generated_at: str
    title: str


def _summary(run_dir: Any) -> dict[str, Any]:
    try:
        data = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a report without its summary is still listed, with less detail
    return data if isinstance(data, dict) else {}


def list_runs(root: Any, dag_id: str) -> list[RunEntry]:
    """Runs of one DAG that have a report, newest first."""
    dag_dir = root / dag_id
    if not dag_dir.is_dir():
        return []
    runs = []
    for run_dir in dag_dir.iterdir():
        if not _SEGMENT.match(run_dir.name) or not (run_dir / "report.html").is_file():
            continue
        s = _summary(run_dir)
        runs.append(
            RunEntry(
                dag_id, run_dir.name, str(s.get("verdict", "")), str(s.get("generated_at", "")), str(s.get("title", ""))
            )
        )
    return sorted(runs, key=lambda r: (r.generated_at, r.run_id), reverse=True)


def list_dags(root: Any) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir() if d.is_dir() and _SEGMENT.match(d.name))


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_PAGE_CSS}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def _runs_table(runs: list[RunEntry], link_prefix: str) -> str:
    if not runs:
        return '<p class="none">No reports yet: a report is written when a run reaches its report task.</p>'
    rows = []
    for r in runs:
        href = f"{link_prefix}runs/{quote(r.run_id, safe='')}/report.html"
        verdict = r.verdict or "unknown"
        css = verdict if verdict in ("pass", "fail") else "none"
        rows.append(
            f'<tr><td><a href="{escape(href, quote=True)}">{escape(r.run_id)}</a></td>'
            f'<td class="{css}">{escape(verdict)}</td><td>{escape(r.generated_at[:19].replace("T", " "))}</td>'
            f'<td><a href="{escape(href[: -len(".html")] + ".md", quote=True)}">markdown</a></td></tr>'
        )
    return "<table><tr><th>Run</th><th>Verdict</th><th>Written (UTC)</th><th></th></tr>" + "".join(rows) + "</table>"


def _read(root: Any, dag_id: str, run_id: str, name: str) -> str:
    path = root / safe_segment(dag_id) / safe_segment(run_id) / name
    try:
        return str(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise HTTPException(status_code=404, detail="no such report") from None


def create_app(root: Any = None) -> FastAPI:
    """The reports app; `root` fixes the reports directory (tests), else it is read from the environment per request."""

    def where() -> Any:
        if root is not None:
            return root
        try:
            return storage_root()
        except StorageError as exc:
            raise HTTPException(status_code=500, detail=str(exc)) from None

    app = FastAPI(title="Waveflow reports", docs_url=None, redoc_url=None, openapi_url=None)
    logged_in = [Depends(LOGGED_IN)]
    may_read_runs = [Depends(MAY_READ_RUNS)]

    @app.get("/", response_class=HTMLResponse, dependencies=logged_in)
    def index() -> HTMLResponse:
        base = where()
        sections = [
            f'<h2><a href="dags/{quote(d, safe="")}">{escape(d)}</a></h2>'
            + _runs_table(list_runs(base, d)[:10], f"dags/{quote(d, safe='')}/")
            for d in list_dags(base)
        ]
        return _page("Waveflow run reports", "".join(sections) or '<p class="none">No reports yet.</p>')

    @app.get("/dags/{dag_id}", response_class=HTMLResponse, dependencies=may_read_runs)
    def dag_runs(dag_id: str) -> HTMLResponse:
        runs = list_runs(where(), safe_segment(dag_id))
        return _page(f"Run reports of {dag_id}", _runs_table(runs, f"{quote(dag_id, safe='')}/"))

    @app.get("/dags/{dag_id}/runs/{run_id}/report.html", response_class=HTMLResponse, dependencies=may_read_runs)
    def report_html(dag_id: str, run_id: str) -> HTMLResponse:
        return HTMLResponse(_read(where(), dag_id, run_id, "report.html"))

    @app.get("/dags/{dag_id}/runs/{run_id}/report.md", response_class=PlainTextResponse, dependencies=may_read_runs)
    def report_md(dag_id: str, run_id: str) -> PlainTextResponse:
        return PlainTextResponse(_read(where(), dag_id, run_id, "report.md"), media_type="text/markdown")

    return app


class WaveflowUIPlugin(AirflowPlugin):
    name = "waveflow_ui"
    # Airflow reads these lists off the class; RUF012's ClassVar would clash with the base class's declarations.
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "Waveflow reports"}]  # noqa: RUF012
    # Relative hrefs resolve against the UI's base URL, so the views work behind a proxy prefix too.
    external_views = [  # noqa: RUF012
        {"name": "Waveflow reports", "href": "waveflow/", "destination": "nav", "url_route": "waveflow-reports"},
        {
            "name": "Reports",
            "href": "waveflow/dags/{DAG_ID}",
            "destination": "dag",
            "url_route": "waveflow-dag-reports",
        },
        {
            "name": "Report",
            "href": "waveflow/dags/{DAG_ID}/runs/{RUN_ID}/report.html",
            "destination": "dag_run",
            "url_route": "waveflow-run-report",
        },
    ]
