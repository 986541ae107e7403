"""Plans to throw at the readers: the shipped plans mutated line by line, and plans generated from hostile parts."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SEEDS = {
    "yaml": (ROOT / "include/plans/phase10.yaml").read_text(encoding="utf-8").splitlines(keepends=True),
    "md": (ROOT / "include/plans/phase10.md").read_text(encoding="utf-8").splitlines(keepends=True),
}
# Characters that mean something to YAML, markdown tables, shells or git, plus bytes no plan should contain.
SPECIALS = [*":-[]{}\"'#&*!|>%@`,;$~^?\\\t\n", "\x00", "\x7f", "\u202e", "é", "→", "..", "../", "$(id)", "<br/>"]
INSERTS = [
    "### Wave 9: Late\n",
    "| Effort | Branch | Lines | Dependencies |\n|---|---|---|---|\n",
    "| 9.9.9 | `x/y` | ~1,000 | 10.1.1 |\n",
    '  - id: "10.1.1"\n    name: again\n    wave: 1\n',
    '    depends_on: ["10.2.4"]\n',
    "    ports: {start: 30050, end: 30150}\n",
    "---\n",
    "```yaml\nkind: Namespace\nmetadata: {name: [x}\n```\n",
    "&a [*a]\n",
]


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> str:
    """The shipped phase 10 plan with 1-8 edits: lines dropped, repeated, swapped, indented, inserted, or a character
    replaced by one that means something."""
    lines = list(SEEDS[kind])
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["drop", "repeat", "swap", "indent", "insert", "replace", "truncate"]))
        if edit == "drop" and len(lines) > 1:
            del lines[i]
        elif edit == "repeat":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "indent":
            lines[i] = draw(st.sampled_from(["  ", "\t", "> ", "- "])) + lines[i]
        elif edit == "insert":
            lines.insert(i, draw(st.sampled_from(INSERTS)))
        elif edit == "truncate":
            del lines[i:]
            lines = lines or ["\n"]
        elif lines[i]:
            at = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:at] + draw(st.sampled_from(SPECIALS)) + lines[i][at + 1 :]
    return "".join(lines)


NAMES = ["p1", "phase-2", "Bad Name", "a;b", "x" * 70, "", "ünï", "$(id)", "../up", "ok-name"]
IDS = ["1.1.1", "1.1.2", "2.1.1", "2.1.2", "1-1", "a b", "x;y", "1.1.1\n", "", "../e", "2.1.1"]
BRANCHES = [None, "feature/a", "feature/b", "feature/a", "x..y", "a b", "-rf", "ok/../up", "main\nevil", "@", "a.lock",
            "$(touch x)", "f/`id`", "ÿ/é", "a//b", "feat/ok-1"]  # fmt: skip
WORKTREES = [None, "wt-1", "../escape", "/abs", "a/../../b", "ok/dir", "x;y"]
NAMESPACES = [None, "ns-1", "ns-2", "NS_Bad", "a" * 64, "ns-1", "x;y"]
PORTS = [None, {"start": 30000, "end": 30099}, {"start": 30050, "end": 30150}, {"start": 9, "end": 1},
         {"start": 0, "end": 70000}, {"start": "a", "end": 2}]  # fmt: skip
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "x", "1.1.1", "[", "- a"]))


@st.composite
def plan_data(draw: st.DrawFn) -> dict[str, object]:
    """A plan as data: mostly the right shape, with hostile names, dangling or cyclic dependencies, clashing ports,
    undeclared waves, wrong types and unknown keys mixed in."""
    waves = draw(st.lists(st.integers(0, 3), min_size=0, max_size=3))
    efforts = []
    for _ in range(draw(st.integers(0, 5))):
        effort: dict[str, object] = {
            "id": draw(st.sampled_from(IDS)),
            "name": draw(st.sampled_from(["E", "Effort two", ""])),
            "wave": draw(st.one_of(st.integers(0, 4), SCALARS)),
        }
        for key, choices in (
            ("branch", BRANCHES),
            ("worktree", WORKTREES),
            ("namespace", NAMESPACES),
            ("ports", PORTS),
        ):
            value = draw(st.sampled_from(choices))
            if value is not None:
                effort[key] = value
        if draw(st.booleans()):
            effort["depends_on"] = draw(st.lists(st.sampled_from(IDS), max_size=3))
        if draw(st.integers(0, 9)) == 0:
            effort[draw(st.sampled_from(["lines", "retries", "labels", "commands", "typo"]))] = draw(SCALARS)
        efforts.append(effort)
    data: dict[str, object] = {
        "name": draw(st.sampled_from(NAMES)),
        "waves": [{"number": n, "name": f"W{n}"} for n in waves],
        "efforts": efforts,
        "schedule": None,
    }
    if draw(st.integers(0, 4)) == 0:
        data["gates"] = [{"metric": draw(st.sampled_from(["PR Size", "Coverage", "x"])), "target": "<800 lines"}]
    if draw(st.integers(0, 9)) == 0:
        del data[draw(st.sampled_from(["name", "waves", "efforts"]))]
    return data


def as_yaml(data: dict[str, object]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def as_markdown(data: dict[str, object]) -> str:
    """The same plan as people write it: front matter for the name, a section and an effort table per wave."""
    out = ["---\n", f"name: {yaml.safe_dump(data.get('name', ''), allow_unicode=True).splitlines()[0]}\n", "---\n"]
    out.append("# Generated plan\n\n")
    efforts = [e for e in data.get("efforts", []) if isinstance(e, dict)]  # type: ignore[attr-defined]
    for wave in data.get("waves", []):  # type: ignore[attr-defined]
        out.append(f"### Wave {wave['number']}: {wave['name']}\n\n")
        out.append("| Effort | Name | Branch | Dependencies | Resource Usage |\n|---|---|---|---|---|\n")
        for e in efforts:
            if e.get("wave") != wave["number"]:
                continue
            deps = ", ".join(str(d) for d in e.get("depends_on", [])) or "None"
            branch = f"`{e['branch']}`" if e.get("branch") else ""
            ns = f"Test ns: `{e['namespace']}`" if e.get("namespace") else ""
            row = [str(e["id"]), str(e["name"]), branch, deps, ns]
            out.append("| " + " | ".join(cell.replace("\n", " ") for cell in row) + " |\n")
        out.append("\n")
    return "".join(out)
