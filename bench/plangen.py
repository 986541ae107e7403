"""Generated plans of any size, in YAML and in the markdown wave-plan format, for benchmarks."""

from __future__ import annotations

import yaml


def generated_plan(efforts: int, waves: int) -> dict:
    per_wave = max(efforts // waves, 1)
    out: list[dict] = []
    for i in range(efforts):
        wave = min(i // per_wave, waves - 1) + 1
        deps = [f"{wave - 1}.{(i + k) % per_wave + 1}" for k in range(2)] if wave > 1 else []
        out.append(
            {
                "id": f"{wave}.{i % per_wave + 1}"
                if i < per_wave * waves
                else f"{wave}.{i - per_wave * (waves - 1) + 1}",
                "name": f"Effort {i}",
                "wave": wave,
                "branch": f"feature/gen/w{wave}-e{i}",
                "lines": 100 + i % 600,
                "agent": f"Agent-{i % 8 + 1}",
                "depends_on": sorted(set(deps)),
                "namespace": f"ns-{i}",
                "ports": {"start": 20000 + i * 10, "end": 20000 + i * 10 + 9},
            }
        )
    return {
        "name": "generated",
        "title": f"Phase 99: Generated plan ({efforts} efforts)",
        "waves": [
            {"number": w, "name": f"Wave {w}", "duration": {"min_hours": 2, "max_hours": 4}}
            for w in range(1, waves + 1)
        ],
        "efforts": out,
        "gates": [{"metric": "PR Size", "target": "<800 lines", "measurement": "Line counter"}],
    }


def as_yaml(plan: dict) -> str:
    return yaml.safe_dump(plan, sort_keys=False)


def as_markdown(plan: dict) -> str:
    """The seed's shape: `### Wave N:` sections with an effort table, a mermaid graph naming every effort, a Port
    Allocation block and a Quality Gates table; it reads to the same efforts as `as_yaml` of the same plan."""
    by_id = {e["id"]: e for e in plan["efforts"]}
    lines = [f"# {plan['title']}", "", "## Dependency Graph", "```mermaid", "graph TD"]
    for e in plan["efforts"]:
        node = "E" + e["id"].replace(".", "_")
        lines.append(f"    {node}[{e['name']}<br/>{e['lines']} lines]")
    lines += ["```", "", "## Wave Execution Plan", ""]
    for wave in plan["waves"]:
        members = [e for e in plan["efforts"] if e["wave"] == wave["number"]]
        lines += [
            f"### Wave {wave['number']}: {wave['name']}",
            "**Duration**: 2-4 hours  ",
            f"**Agents Required**: {len(members)}  ",
            f"**Total Lines**: {sum(e['lines'] for e in members)}  ",
            "",
            "| Effort | Branch | Lines | Agent | Dependencies | Resource Usage |",
            "|--------|--------|-------|-------|--------------|----------------|",
        ]
        for e in members:
            deps = ", ".join(by_id[d]["id"] for d in e["depends_on"]) or "None"
            lines.append(
                f"| {e['id']} | `{e['branch']}` | {e['lines']} | {e['agent']} | {deps} | Test ns: `{e['namespace']}` |"
            )
        lines.append("")
    lines += ["### Port Allocation", "```"]
    lines += [f"{e['id']}: {e['ports']['start']}-{e['ports']['end']}" for e in plan["efforts"]]
    lines += ["```", ""]
    lines += [
        "### Quality Gates",
        "",
        "| Metric | Target | Measurement |",
        "|---|---|---|",
        "| PR Size | <800 lines | Line counter |",
        "",
    ]
    return "\n".join(lines)


def unnamed_dependencies_table(rows: int) -> str:
    """One wave's effort table whose every dependency cell names no effort of the plan: each is looked up as a name
    and found in none (about 70 bytes a row; 4,000 rows are the 278 KB table that once took minutes to read)."""
    lines = ["# Phase 98: Table plan", "", "## Wave 1: Everything", ""]
    lines += ["| Effort | Branch | Name | Dependencies |", "|---|---|---|---|"]
    lines += [f"| 1.{i} | feature/t-{i} | Effort {i} | Retire legacy billing export |" for i in range(1, rows + 1)]
    return "\n".join(lines) + "\n"
