"""Stand-ins for the model behind an agent CLI, on 127.0.0.1, in the wire formats the CLIs speak: OpenAI's
`/v1/chat/completions` (aider), Anthropic's streamed `/v1/messages` (Claude Code) and OpenAI's streamed
`/v1/responses` (Codex). Each answers with what a script chooses from the request, and keeps every request for the
test to read. The CLIs themselves are real: they run the tools the scripted model calls."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = Callable[[dict[str, Any]], str]
# The usage every scripted answer reports, so that tests can check what the CLIs sum and price.
TOKENS_IN, TOKENS_OUT = 1200, 40


@dataclass(frozen=True)
class Answer:
    """What a tool-using model answers: tool calls (name, arguments), else a final text."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    text: str = ""


@contextmanager
def _serve(route: str, respond: Callable[[dict[str, Any], int], bytes], sse: bool) -> Iterator[tuple[str, list]]:
    requests: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if not self.path.split("?")[0].rstrip("/").endswith(route):
                self._send(404, b'{"error": {"message": "not served"}}', "application/json")
                return
            requests.append(body)
            self._send(200, respond(body, len(requests)), "text/event-stream" if sse else "application/json")

        def do_GET(self) -> None:
            self._send(404, b'{"error": {"message": "not served"}}', "application/json")

        def _send(self, code: int, data: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", requests
    finally:
        server.shutdown()
        server.server_close()


def _events(*events: tuple[str, dict[str, Any]]) -> bytes:
    return b"".join(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)


@contextmanager
def chat_endpoint(reply: Reply) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(base URL, the requests so far) of an OpenAI-compatible chat endpoint answering `reply(body)`."""

    def respond(body: dict[str, Any], n: int) -> bytes:
        return json.dumps({
            "id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()), "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply(body)}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": TOKENS_IN, "completion_tokens": TOKENS_OUT, "total_tokens": TOKENS_IN + TOKENS_OUT},
        }).encode()  # fmt: skip

    with _serve("/chat/completions", respond, sse=False) as served:
        yield served


@contextmanager
def messages_endpoint(answer: Callable[[dict[str, Any]], Answer]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Anthropic's Messages API as Claude Code streams it: `message_start`, a content block per tool call (its input
    as one `input_json_delta`) or the text, `message_delta` with the stop reason and usage, `message_stop`."""

    def respond(body: dict[str, Any], n: int) -> bytes:
        a = answer(body)
        start = {"id": f"msg_{n}", "type": "message", "role": "assistant", "model": body.get("model"), "content": [],
                 "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": TOKENS_IN, "output_tokens": 1}}  # fmt: skip
        events: list[tuple[str, dict[str, Any]]] = [("message_start", {"type": "message_start", "message": start})]
        blocks = [
            ({"type": "tool_use", "id": f"toolu_{n}_{i}", "name": name, "input": {}},
             {"type": "input_json_delta", "partial_json": json.dumps(args)})
            for i, (name, args) in enumerate(a.calls)
        ]  # fmt: skip
        if not blocks:
            blocks = [({"type": "text", "text": ""}, {"type": "text_delta", "text": a.text})]
        for i, (block, delta) in enumerate(blocks):
            events += [
                ("content_block_start", {"type": "content_block_start", "index": i, "content_block": block}),
                ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": delta}),
                ("content_block_stop", {"type": "content_block_stop", "index": i}),
            ]
        stop = "tool_use" if a.calls else "end_turn"
        delta = {"stop_reason": stop, "stop_sequence": None}
        events.append(
            ("message_delta", {"type": "message_delta", "delta": delta, "usage": {"output_tokens": TOKENS_OUT}})
        )
        events.append(("message_stop", {"type": "message_stop"}))
        return _events(*events)

    with _serve("/messages", respond, sse=True) as served:
        yield served


@contextmanager
def responses_endpoint(answer: Callable[[dict[str, Any]], Answer]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """OpenAI's Responses API as Codex streams it: `response.created`, one `response.output_item.done` per function
    call (or the message), `response.completed` with the usage."""

    def respond(body: dict[str, Any], n: int) -> bytes:
        a = answer(body)
        items = [
            {"type": "function_call", "id": f"fc_{n}_{i}", "call_id": f"call_{n}_{i}", "name": name,
             "arguments": json.dumps(args)}
            for i, (name, args) in enumerate(a.calls)
        ]  # fmt: skip
        if not items:
            content = [{"type": "output_text", "text": a.text, "annotations": []}]
            items = [
                {"type": "message", "role": "assistant", "id": f"msg_{n}", "status": "completed", "content": content}
            ]
        usage = {"input_tokens": TOKENS_IN, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": TOKENS_OUT,
                 "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": TOKENS_IN + TOKENS_OUT}  # fmt: skip
        done = [
            ("response.output_item.done", {"type": "response.output_item.done", "output_index": i, "item": item})
            for i, item in enumerate(items)
        ]
        return _events(
            ("response.created", {"type": "response.created", "response": {"id": f"resp_{n}"}}),
            *done,
            ("response.completed", {"type": "response.completed", "response": {"id": f"resp_{n}", "usage": usage}}),
        )

    with _serve("/responses", respond, sse=True) as served:
        yield served


def messages_text(body: dict[str, Any]) -> str:
    """Every text a request carries, tool results included, whatever the wire format."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for key in ("content", "text", "output", "input", "system"):
                if key in value:
                    walk(value[key])

    walk(body.get("messages", body.get("input", [])))
    walk(body.get("system", []))
    walk(body.get("instructions", []))
    return "\n".join(parts)


def tool_rounds(body: dict[str, Any]) -> int:
    """How many rounds of tool results the conversation holds (Anthropic `tool_result` blocks or Responses
    `function_call_output` items, counted per message)."""
    if "messages" in body:
        return sum(
            1
            for m in body["messages"]
            if isinstance(m.get("content"), list) and any(c.get("type") == "tool_result" for c in m["content"])
        )
    rounds, previous = 0, False
    for item in body.get("input", []):
        is_output = isinstance(item, dict) and item.get("type") == "function_call_output"
        rounds += is_output and not previous
        previous = is_output
    return rounds
