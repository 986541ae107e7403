"""A stand-in for GitHub's API on 127.0.0.1, answering the few calls a pull request needs (the repository, open pull
requests by head, create, edit, and the GraphQL mutations that change the draft state), and keeping every request.
No forge can run here: this is what the pull request client is tested against."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Forge:
    api: str = ""  # the API's URL, as a GitHub Enterprise connection's host names it
    requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # method, path, body
    tokens: list[str] = field(default_factory=list)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)

    def pull(self, number: int, body: dict[str, Any], owner: str, repo: str) -> dict[str, Any]:
        url = f"{self.api}/repos/{owner}/{repo}/pulls/{number}"
        return {"number": number, "id": number, "node_id": f"PR_{number}", "url": url, "state": "open",
                "html_url": f"https://forge.example/{owner}/{repo}/pull/{number}", "title": body["title"],
                "body": body.get("body"), "draft": bool(body.get("draft")),
                "head": {"ref": body["head"], "label": f"{owner}:{body['head']}"}, "base": {"ref": body["base"]}}  # fmt: skip


@contextmanager
def fake_github() -> Iterator[Forge]:
    forge = Forge()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length)) if length else {}

        def _answer(self, code: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            url = urlparse(self.path)
            body = self._body() if method != "GET" else {}
            forge.requests.append((method, url.path, body))
            forge.tokens.append(self.headers.get("Authorization", ""))
            if method == "POST" and url.path.endswith("/graphql"):
                name = re.search(r"\{\s*(\w+)\s*\(input", body["query"])
                mutation = name[1] if name else ""
                node = json.dumps(body.get("variables", {}))
                number = int(re.search(r"PR_(\d+)", node)[1])  # type: ignore[index]
                forge.pulls[number]["draft"] = mutation == "convertPullRequestToDraft"
                pr = {"isDraft": forge.pulls[number]["draft"]}
                self._answer(200, {"data": {mutation: {"clientMutationId": None, "pullRequest": pr}}})
                return
            m = re.fullmatch(r"/api/v3/repos/([^/]+)/([^/]+)(/pulls(?:/(\d+))?)?", url.path)
            if m is None:
                self._answer(404, {"message": "Not Found"})
                return
            owner, repo, pulls, number = m.groups()
            if not pulls and method == "GET":
                self._answer(200, {"id": 1, "name": repo, "full_name": f"{owner}/{repo}", "owner": {"login": owner},
                                   "url": f"{forge.api}/repos/{owner}/{repo}"})  # fmt: skip
            elif pulls and not number and method == "GET":
                head = parse_qs(url.query).get("head", [""])[0]
                found = [p for p in forge.pulls.values() if p["head"]["label"] == head and p["state"] == "open"]
                self._answer(200, found)
            elif pulls and not number and method == "POST":
                n = len(forge.pulls) + 1
                forge.pulls[n] = forge.pull(n, body, owner, repo)
                self._answer(201, forge.pulls[n])
            elif number and method == "PATCH":
                pr = forge.pulls[int(number)]
                pr.update({k: v for k, v in body.items() if k in ("title", "body")})
                if "base" in body:
                    pr["base"] = {"ref": body["base"]}
                self._answer(200, pr)
            else:
                self._answer(405, {"message": "not served"})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PATCH(self) -> None:
            self._route("PATCH")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    forge.api = f"http://127.0.0.1:{server.server_address[1]}/api/v3"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield forge
    finally:
        server.shutdown()
        server.server_close()
