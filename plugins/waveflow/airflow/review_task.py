"""`quality_gates.review`: once the gates are judged, a pull request per effort or per wave (the plan's `review`),
opened or updated on the forge, or written as files on a dry run. What it did goes to XCom for the report."""

from __future__ import annotations

from typing import Any

from ..gates.pull_requests import pull_requests
from ..plan.model import slug
from .forge import open_on_github
from .report_task import ClosingOperator
from .storage import location, run_root


class ReviewOperator(ClosingOperator):
    ui_color = "#eef4fb"

    def execute(self, context: Any) -> list[dict[str, Any]]:
        from ..gates.report_model import RunInfo

        review = self.plan.review
        if review is None:
            return []
        results, _, outcomes = self.judge(context)
        integrations, _ = self.integrations(context)
        run = RunInfo(dag_id=context["dag"].dag_id, run_id=context["run_id"])
        prs = pull_requests(self.plan, results, integrations, outcomes, run.run_url(), run.run_id)
        if not review.dry_run:
            opened = open_on_github(review.conn_id, review.repository, prs)
            for pr in opened:
                self.log.info("pull request %s: %s -> %s (%s)", pr["url"], pr["head"], pr["base"],
                              "draft" if pr["draft"] else "ready")  # fmt: skip
            return opened
        folder = run_root(run.dag_id, run.run_id) / "pull-requests"
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for each in prs:
            path = folder / f"{slug(each.head)}.md"
            state = "ready" if each.ready else "draft"
            path.write_text(f"# {each.title}\n\n{each.head} -> {each.base} ({state})\n\n{each.body}")
            written.append({"head": each.head, "base": each.base, "file": location(path), "draft": not each.ready,
                            "efforts": list(each.efforts)})  # fmt: skip
        self.log.info("dry run: %d pull request bodies written to %s", len(written), folder)
        return written
