"""The task brief the agent reads: the plan around the effort, the effort's own brief and acceptance criteria, what
its dependencies delivered, what the gates will judge, and where it runs. Markdown, in a file outside the worktree
(never committed); its text is part of the memoization key, so a change to any of it redoes the effort."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .contract import RunnerInputs
from .gitcmd import Git
from .remote import RemoteRef, RemoteState

MAX_SUBJECTS = 20
MAX_FILES = 40


@dataclass(frozen=True)
class Delivered:
    """What one dependency's branch holds that the base does not."""

    name: str
    sha: str
    subjects: list[str]
    files: list[str]
    more_subjects: int
    more_files: int


def parse_json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def delivered(repo: Git, remote: RemoteState) -> list[Delivered]:
    return [_delivered(repo, remote.base.sha, dep) for dep in remote.dependencies]


def _delivered(repo: Git, base: str, dep: RemoteRef) -> Delivered:
    _, log, _ = repo.status("log", "--no-merges", "--format=%s", f"{base}..{dep.sha}")
    _, diff, _ = repo.status("diff", "--name-only", f"{base}...{dep.sha}")
    subjects, files = log.splitlines(), diff.splitlines()
    return Delivered(
        dep.name, dep.sha, subjects[:MAX_SUBJECTS], files[:MAX_FILES],
        max(0, len(subjects) - MAX_SUBJECTS), max(0, len(files) - MAX_FILES),
    )  # fmt: skip


def compose(inputs: RunnerInputs, deps: list[Delivered]) -> str:
    spec, context = parse_json(inputs.effort_spec), parse_json(inputs.plan_context)
    name = spec.get("name") or inputs.effort
    out = [f"# Task: {inputs.effort} — {name}", ""]
    title = context.get("title") or inputs.plan
    raw_wave = context.get("wave")
    wave: dict[str, Any] = raw_wave if isinstance(raw_wave, dict) else {}
    wave_text = f"wave {wave.get('label') or wave.get('number', spec.get('wave', '?'))}"
    if wave.get("name"):
        wave_text += f" ({wave['name']})"
    out.append(f"- Plan: {title} (`{inputs.plan}`), {wave_text}")
    out.append(f"- Branch: `{inputs.branch}`, from `{inputs.base_ref}` with its dependencies merged")
    if spec.get("lines"):
        out.append(f"- Planned size: about {spec['lines']} lines")
    out += ["", "## What to do", "", str(spec.get("brief") or "").strip() or f"Implement {name}.", ""]
    acceptance = [str(a) for a in spec.get("acceptance") or []]
    if acceptance:
        out += ["## Acceptance criteria", "", *[f"- {a}" for a in acceptance], ""]
    if deps:
        out += ["## What your dependencies delivered", ""]
        for d in deps:
            out.append(f"### `{d.name}` at {d.sha[:12]}")
            out += [f"- {s}" for s in d.subjects] or ["- (no commits of its own)"]
            if d.more_subjects:
                out.append(f"- … and {d.more_subjects} more commits")
            if d.files:
                more = f" … and {d.more_files} more" if d.more_files else ""
                out.append("- Files changed: " + ", ".join(f"`{f}`" for f in d.files) + more)
            out.append("")
    gates = [g for g in context.get("gates") or [] if isinstance(g, dict)]
    if gates:
        out += ["## What the quality gates will judge", ""]
        out += [f"- {g.get('metric')}: {g.get('target') or 'see the plan'}" for g in gates]
        out.append("")
    out += ["## Where you work", ""]
    if inputs.port_start and inputs.port_end:
        out.append(
            f"- Ports {inputs.port_start}–{inputs.port_end} are yours (`PORT_RANGE_START`, `PORT_RANGE_END`); "
            "other efforts use others at the same time"
        )
    if inputs.namespace:
        out.append(f"- Test namespace: `{inputs.namespace}` (`WAVEFLOW_NAMESPACE`)")
    test = " ".join(inputs.test) if inputs.test else "(none)"
    out.append(f"- The runner tests your change with `{test}` after each iteration, and commits and pushes for you")
    return "\n".join(out).rstrip() + "\n"
