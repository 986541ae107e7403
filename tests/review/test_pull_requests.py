"""Pull requests through the Airflow GitHub provider's hook and PyGithub, against a local stand-in for GitHub's API
(no forge can run here): opened as drafts while a gate fails, updated — never opened twice — on a rerun, marked ready
once the gates pass; and where the plan's DAG asks for them."""

from __future__ import annotations

import json

import pytest
from fake_github import fake_github

from waveflow.airflow.forge import open_on_github
from waveflow.airflow.plan_spec import dag_spec
from waveflow.gates.pull_requests import PullRequest
from waveflow.plan.load import read_plan
from waveflow.plan.model import Review

TOKEN = "ghp_reviewtoken"


@pytest.fixture
def forge(monkeypatch):
    with fake_github() as forge:
        conn = {"conn_type": "github", "password": TOKEN, "host": forge.api}
        monkeypatch.setenv("AIRFLOW_CONN_FORGE", json.dumps(conn))
        yield forge


def pr(head: str, ready: bool, body: str = "first") -> PullRequest:
    return PullRequest(head, "main", f"{head}: title", body, ready, (head,))


def test_drafts_first_then_the_same_pull_requests_updated_and_marked_ready(forge):
    first = open_on_github("forge", "acme/app", [pr("feat/a", False), pr("feat/b", False)])
    assert [(p["number"], p["draft"], p["updated"]) for p in first] == [(1, True, False), (2, True, False)]
    assert first[0]["url"] == "https://forge.example/acme/app/pull/1"
    created = [b for m, path, b in forge.requests if m == "POST" and path.endswith("/pulls")]
    assert [(b["head"], b["base"], b["draft"]) for b in created] == [("feat/a", "main", True), ("feat/b", "main", True)]
    assert all(TOKEN in t for t in forge.tokens)  # the connection's token, on every call

    again = open_on_github("forge", "acme/app", [pr("feat/a", True, body="second")])
    assert [(p["number"], p["draft"], p["updated"]) for p in again] == [(1, False, True)]
    posts = [path for m, path, _ in forge.requests if m == "POST" and path.endswith("/pulls")]
    assert len(posts) == 2  # a rerun updates the open pull request of its head branch
    assert forge.pulls[1]["body"] == "second" and forge.pulls[1]["draft"] is False
    mutations = [b["query"] for m, path, b in forge.requests if path.endswith("/graphql")]
    assert len(mutations) == 1 and "markPullRequestReadyForReview" in mutations[0]
    assert forge.pulls[2]["draft"] is True


def test_a_ready_pull_request_goes_back_to_draft_when_a_gate_fails_again(forge):
    open_on_github("forge", "acme/app", [pr("feat/a", True)])
    assert forge.pulls[1]["draft"] is False
    open_on_github("forge", "acme/app", [pr("feat/a", False)])
    assert forge.pulls[1]["draft"] is True


def test_the_dag_opens_them_after_the_gates_and_before_the_report(repo_root):
    plan = read_plan(repo_root / "include" / "plans" / "phase10.yaml")
    plan.review = Review(repository="acme/app")
    tasks = {t.task_id: t for t in dag_spec(plan, repo_root / "phase10.yaml").tasks}
    review = tasks["quality_gates.review"]
    gates = {t for t in tasks if t.startswith("quality_gates.gate_")}
    assert gates <= set(review.upstream) and "wave_2.integrate" in review.upstream
    assert "quality_gates.review" in tasks["quality_gates.report"].upstream
    assert tasks["quality_gates.report"].args["review_task"] == "quality_gates.review"
    assert tasks["quality_gates.run_outcome"].args["review_task"] == "quality_gates.review"
    plan.review = None
    assert "quality_gates.review" not in {t.task_id for t in dag_spec(plan, repo_root / "phase10.yaml").tasks}
