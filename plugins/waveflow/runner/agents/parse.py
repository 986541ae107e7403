"""What an iteration cost, read from the agent's own output in the formats the CLIs document, or from the report
file any agent may write (`WAVEFLOW_AGENT_REPORT`). A reader never raises: output it cannot read gives no usage."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


@dataclass
class Usage:
    cost_usd: float | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    turns: int | None = None
    model: str | None = None

    def merged(self, other: Usage) -> Usage:
        """`other`'s figures where it has them (a report file the agent wrote wins over its parsed output)."""
        return Usage(**{f.name: _first(getattr(other, f.name), getattr(self, f.name)) for f in fields(Usage)})


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: object) -> int | None:
    n = _number(value)
    return int(n) if n is not None else None


def _json_objects(text: str) -> list[dict[str, Any]]:
    """Each line that is a JSON object (JSONL), or the whole text when it is one object spread over lines."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                found.append(obj)
    if not found:
        start = text.find("{")
        try:
            obj = json.loads(text[start:]) if start >= 0 else None
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, dict):
            found.append(obj)
    return found


def claude_code(output: str) -> Usage:
    """`claude -p --output-format json`: one `result` object with `total_cost_usd`, `num_turns` and `usage`."""
    results = [o for o in _json_objects(output) if o.get("type") == "result"]
    if not results:
        return Usage()
    r = results[-1]
    raw = r.get("usage")
    usage: dict[str, Any] = raw if isinstance(raw, dict) else {}
    tokens_in = sum(
        _count(usage.get(k)) or 0 for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )
    models = r.get("modelUsage")
    model = next(iter(models), None) if isinstance(models, dict) and models else r.get("model")
    return Usage(
        cost_usd=_number(_first(r.get("total_cost_usd"), r.get("cost_usd"))),
        tokens_in=tokens_in if usage else None,
        tokens_out=_count(usage.get("output_tokens")),
        turns=_count(r.get("num_turns")),
        model=model if isinstance(model, str) else None,
    )


def codex(output: str) -> Usage:
    """`codex exec --json`: JSONL events; each `turn.completed` carries that turn's `usage`. Codex prints no cost."""
    turns = [o for o in _json_objects(output) if o.get("type") == "turn.completed"]
    if not turns:
        return Usage()
    usages = [t["usage"] for t in turns if isinstance(t.get("usage"), dict)]
    return Usage(
        tokens_in=sum(_count(u.get("input_tokens")) or 0 for u in usages),
        tokens_out=sum(_count(u.get("output_tokens")) or 0 for u in usages),
        turns=len(turns),
    )


_AIDER_TOKENS = re.compile(
    r"Tokens:\s*(?P<sent>[\d.,]+)(?P<sent_unit>[kKmM]?)\s+sent,.*?(?P<recv>[\d.,]+)(?P<recv_unit>[kKmM]?)\s+received"
)
_AIDER_COST = re.compile(r"Cost:\s*\$(?P<message>[\d.,]+)")
_AIDER_MODEL = re.compile(r"^(?:Main )?[Mm]odel:\s*(?P<model>\S+)", re.MULTILINE)
_SCALE = {"": 1, "k": 1_000, "m": 1_000_000}


def _scaled(number: str, unit: str) -> int:
    return int(float(number.replace(",", "")) * _SCALE[unit.lower()])


def aider(output: str) -> Usage:
    """aider's console lines: `Tokens: 2.1k sent, 84 received. Cost: $0.0012 message, $0.0034 session.` per message,
    and `Model: gpt-4o with whole edit format` at the start."""
    sent = received = 0
    messages = 0
    cost = 0.0
    costs = 0
    for line in output.splitlines():
        t = _AIDER_TOKENS.search(line)
        if t:
            messages += 1
            sent += _scaled(t["sent"], t["sent_unit"])
            received += _scaled(t["recv"], t["recv_unit"])
        c = _AIDER_COST.search(line)
        if c:
            costs += 1
            cost += float(c["message"].replace(",", ""))
    model = _AIDER_MODEL.search(output)
    return Usage(
        cost_usd=round(cost, 6) if costs else None,
        tokens_in=sent if messages else None,
        tokens_out=received if messages else None,
        turns=messages or None,
        model=model["model"] if model else None,
    )


def report_file(path: Path) -> tuple[Usage, str | None]:
    """The `WAVEFLOW_AGENT_REPORT` an agent wrote: (its usage, a problem with it). No file: no usage, no problem."""
    if not path.is_file():
        return Usage(), None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return Usage(), f"agent report {path.name} is not JSON: {exc}"
    if not isinstance(data, dict):
        return Usage(), f"agent report {path.name} is not a JSON object"
    model = data.get("model")
    usage = Usage(
        cost_usd=_number(data.get("cost_usd")),
        tokens_in=_count(data.get("tokens_in")),
        tokens_out=_count(data.get("tokens_out")),
        turns=_count(data.get("turns")),
        model=model if isinstance(model, str) else None,
    )
    return usage, None
