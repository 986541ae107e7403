"""`go test` output: text (`-v`) or `-json` events, reduced to what the other collectors need."""

from __future__ import annotations

import json
import re

_RESULT = re.compile(r"^\s*--- (PASS|FAIL|SKIP): (\S+)")


def text(output: str) -> str:
    """The plain text of `go test` output; `-json` events are unwrapped to their Output fields."""
    lines = []
    for line in output.splitlines():
        event = _event(line)
        if event is None:
            lines.append(line)
        elif isinstance(event.get("Output"), str):
            lines.append(str(event["Output"]).rstrip("\n"))
    return "\n".join(lines)


def counts(output: str) -> tuple[int, int] | None:
    """(passed, failed) tests, subtests included; None when the output holds no per-test results."""
    results: dict[tuple[str, str], str] = {}
    for line in output.splitlines():
        event = _event(line)
        if event is not None:
            action, test = event.get("Action"), event.get("Test")
            if action in ("pass", "fail", "skip") and isinstance(test, str):
                results[(str(event.get("Package", "")), test)] = str(action)
    if not results:
        for line in text(output).splitlines():
            m = _RESULT.match(line)
            if m:
                results[("", m.group(2))] = m.group(1).lower()
    if not results:
        return None
    outcomes = list(results.values())
    return outcomes.count("pass"), outcomes.count("fail")


def _event(line: str) -> dict[str, object] | None:
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except json.JSONDecodeError:
        return None
    return event if isinstance(event, dict) and "Action" in event else None
