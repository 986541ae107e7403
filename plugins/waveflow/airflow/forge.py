"""Pull requests on GitHub through the Airflow GitHub provider's hook: its connection holds the token (and, for GitHub
Enterprise, the API's URL). Idempotent: a head branch with an open pull request gets it updated, never a second."""

from __future__ import annotations

from typing import Any

from ..gates.pull_requests import PullRequest


def open_on_github(conn_id: str, repository: str, prs: list[PullRequest]) -> list[dict[str, Any]]:
    """Open or update each pull request, a draft until it is `ready`; what each became, for XCom and the report."""
    from airflow.providers.github.hooks.github import GithubHook

    repo = GithubHook(github_conn_id=conn_id).get_conn().get_repo(repository)
    owner = repository.split("/", 1)[0]
    opened = []
    for pr in prs:
        found = list(repo.get_pulls(state="open", head=f"{owner}:{pr.head}"))
        if found:
            pull = found[0]
            pull.edit(title=pr.title, body=pr.body, base=pr.base)
        else:
            pull = repo.create_pull(base=pr.base, head=pr.head, title=pr.title, body=pr.body, draft=not pr.ready)
        # GitHub changes a pull request's draft state only through GraphQL; PyGithub's calls do it.
        if pr.ready and pull.draft:
            pull.mark_ready_for_review()
        elif not pr.ready and not pull.draft:
            pull.convert_to_draft()
        opened.append({"head": pr.head, "base": pr.base, "number": pull.number, "url": pull.html_url,
                       "draft": not pr.ready, "efforts": list(pr.efforts), "updated": bool(found)})  # fmt: skip
    return opened
