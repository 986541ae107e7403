"""Markdown wave plans as people write them.

Waves come from `Wave N` sections; efforts from the tables, effort or agent blocks and branch lists inside them;
ids, names and dependencies are completed from the mermaid graph, dependency matrices and sentences; namespaces,
ports and gates from their own blocks. Every fact keeps its line, so the validator's messages point at the row.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .errors import NotAWavePlan
from .markdown.agent_graph import agent_graph_efforts, is_agent_graph
from .markdown.arrows import arrow_edges
from .markdown.assemble import Reading, line_key, to_plan
from .markdown.blocks import Block, parse_blocks
from .markdown.briefs import fill_briefs
from .markdown.chart_waves import chart_waves
from .markdown.checkmarks import checkmark_edges
from .markdown.deps import Resolver
from .markdown.draft import Draft
from .markdown.extract import document_items, efforts_by_mention, id_rows, section_efforts, table_efforts
from .markdown.graph import flowcharts, learn_aliases, learn_labels, match_charts
from .markdown.identity import settle
from .markdown.index import Index
from .markdown.integration import integration_branch
from .markdown.isolation import isolation
from .markdown.named import describe_named
from .markdown.own_waves import own_waves
from .markdown.prose import contradictions
from .markdown.resources import gates
from .markdown.sections import (
    FIELD,
    Section,
    bold_wave_sections,
    fields,
    numbered_heading,
    rival_waves,
    wave_sections,
)
from .markdown.tables import effort_rows
from .markdown.text import branch_in, plain
from .markdown.trees import tree_edges
from .markdown.wave_gates import chart_gates, comment_gates, each_after_previous, group_gates, wave_gates
from .markdown.wave_lines import wave_lines
from .markdown.wiring import Wiring
from .model import Plan, slug
from .names import UNIT

# `Phase 10: Integration & Hardening - Wave Implementation Plan`: the part after the dash says what the file is.
_KIND_SUFFIX = re.compile(r"\s+[-–—:]\s+[^-–—:]*\b(?:plan|guide)\s*$", re.I)
# `Wave 3 Plan — Completion Report`, `Test overhaul - Progress`, `Phase 9 Final Status Report`, `Phase 1
# Integration Report`, `Phase 2 Retrospective`, `Sprint 14 Release Notes`, `Weekly Update`, `Wave 2 Demo Script`,
# `Orchestration Report - M1 Complete`, `PR Branches Created`, `Session 43 Pause Snapshot`: a report that looks
# back on a plan, or a title that says the work is done. A plain `Status Report` may still lay out waves still to
# run: its text decides.
_REPORT = re.compile(
    r"\b(?:completion|progress|final|closing|summary|handoff|integration|merge|verification|validation)"
    r"\s+(?:\w+\s+)?report\b|\bretrospective\b|\bpost-?mortem\b"
    r"|\brelease\s+notes\b|\bchange\s*log\b|\b(?:weekly|daily|monthly|status|progress)\s+(?:update|digest)\b"
    r"|\b(?:demo|meeting)\s+(?:script|notes|minutes)\b"
    r"|\breport\s*[-–—:(]|\b(?:created|completed?|merged|landed|finished)\s*$"
    r"|[-–—:|]\s*progress(?:\s+(?:log|notes))?\s*$|\bprogress\s+log\b|\bsnapshot\s*$",
    re.I,
)
# `<effort name>`, `feature/<phase>-<effort>`: a blank to fill in.
_PLACEHOLDER = re.compile(r"<[a-z][\w -]*>", re.I)
_GENERIC = re.compile(r"\b(?:wave[- ]based|wave|implementation|plan|guide|for|optimal|parallelization)\b", re.I)


def read_markdown(text: str, path: str = "<plan>") -> Plan:
    blocks = parse_blocks(text)
    title, title_line = _title(blocks)
    sections, listed = _waves_and_efforts(blocks)
    drafts = _with_agent_graphs(listed, blocks)
    describe_named(drafts, _outside(blocks, sections, "table"))
    single = _one_branch(blocks, sections)
    if single and not any(d.branch for d in drafts):
        branch, line = single
        raise NotAWavePlan(
            path, f"it plans one effort (branch `{branch}`, line {line}) in steps; its waves have no branches", line
        )
    if _REPORT.search(title):
        raise NotAWavePlan(
            path, f'it reports on work already done ("{title}"), it does not plan it', title_line or None
        )
    if not drafts:
        raise NotAWavePlan(path, _why_not(blocks, sections, title), title_line or None)
    looking_back = _looking_back(blocks, drafts) or _results(sections, drafts)
    if looking_back:
        raise NotAWavePlan(path, looking_back[1], looking_back[0])
    template = _template(drafts) or _example(blocks, drafts)
    if template:
        raise NotAWavePlan(path, template, drafts[0].line)
    steps = _steps(sections, drafts)
    if steps:
        raise NotAWavePlan(path, steps, sections[0].line)
    drawn = flowcharts(blocks)
    charts = match_charts(drawn, drafts)
    learn_labels(charts)
    drafts, warnings, merged = settle(drafts)
    for chart in charts:
        chart.remap(merged)
    index = Index(drafts)
    learn_aliases(charts, index)
    wiring = Wiring(drafts, index, Resolver(index, drafts, sections))
    wiring.own()
    wiring.matrices(_outside(blocks, sections, "table"))
    wiring.prose(sections, _outside(blocks, sections, "paragraph"))
    wiring.charts(charts)
    wiring.arrows(arrow_edges(blocks, index))
    wiring.arrows(tree_edges(blocks, index))
    wiring.checkmarks(checkmark_edges(_outside(blocks, sections, "table"), index))
    wiring.group_gates(group_gates(sections))
    wiring.wave_gates(wave_gates(sections) + chart_gates(drawn, sections) + comment_gates(blocks, sections))
    wiring.each_after_previous(each_after_previous(text))
    wiring.settle()
    fill_briefs(blocks, sections, drafts)
    labels, found = isolation(blocks, drafts, index)
    warnings += wiring.warnings + found
    warnings += [(line_key(line), f"effort {d.id}: {note}") for d in drafts for line, note in d.notes]
    rival = rival_waves(blocks, sections)
    if rival:
        warnings.append((line_key(rival[0]), rival[1]))
    warnings += [(f"efforts[{d.id}]/depends_on", message) for d, message in contradictions(text, drafts, wiring.stated)]
    reading = Reading(
        path=path,
        name=_name(title),
        title=_KIND_SUFFIX.sub("", title).strip(),
        title_line=title_line,
        sections=sections,
        drafts=drafts,
        deps=wiring.deps,
        labels=labels,
        gates=gates(blocks),
        warnings=warnings,
        integration=integration_branch(text),
    )
    return to_plan(reading)


def _waves_and_efforts(blocks: list[Block]) -> tuple[list[Section], list[Draft]]:
    """The waves and their efforts, read the first way the document writes them: efforts inside `Wave N` sections
    (else inside `Phase N` ones, when the `Wave N` sections are a closing regrouping), else named by the waves and
    described elsewhere, else one table with a Wave column, else lines of an execution order, else a graph's wave
    subgraphs, else the waves the efforts name for themselves. Lines of an execution order come first where the one
    `Wave` heading is the document's title, or where the sections found say which wave they serve."""
    sections = wave_sections(blocks)
    if len(sections) == 1 and sections[0].level == 1 and (inner := _waves_elsewhere(blocks)):
        # `# Wave Q — OAuth scaffold`: the document is one wave of a larger programme, and its own rounds are its waves
        return inner
    if any(_NAMES_A_WAVE.search(s.heading) for s in sections if s.word != "wave"):
        # `### Stage 2: Parallel Build (Wave 1)` beside `- **Wave 1** (parallel): WU-1, WU-2`: the stages say which
        # wave they serve, so they are the pipeline's steps and the lines that say `Wave` are the waves
        said = _waves_elsewhere(blocks)
        if said and _said_as_waves(said[0]):
            return said
    listed = section_efforts(sections)
    if not listed and sections and sections[-1].word == "wave":
        others = wave_sections(blocks, other_words=True)
        if listed := section_efforts(others):
            sections = others
    elif not listed and sections:
        # `#### Phase A` steps inside one task hold no efforts; the `**Wave 1: Foundation**` lines above them do
        bold = bold_wave_sections(blocks)
        if listed := section_efforts(bold):
            sections = bold
    outside = _outside_sections(blocks, sections)
    listed = listed or efforts_by_mention(outside, sections) or table_efforts(blocks)
    if listed:
        # `### Task 4: ...` blocks after the waves that only list the tasks: what each says (its dependencies, its
        # brief) is about the effort the waves list
        _told_elsewhere(listed, document_items(outside))
        return sections, listed
    return _waves_elsewhere(blocks) or (sections, [])


def _said_as_waves(sections: list[Section]) -> bool:
    """Whether every wave was read from a line that says `Wave` (not `Round` or `Stage`)."""
    return all(_WAVE_WORD.match(s.heading) for s in sections)


_WAVE_WORD = re.compile(r"^\W*wave\s", re.I)
_NAMES_A_WAVE = re.compile(r"\bwave\s+\d", re.I)


def _waves_elsewhere(blocks: list[Block]) -> tuple[list[Section], list[Draft]] | None:
    """Waves that are not sections: lines of an execution order, a graph's wave subgraphs, or the waves the efforts
    name for themselves."""
    # The efforts the document lists anywhere, read once: they may name their own waves, or tell more about the
    # efforts the waves only list (their dependencies, their brief)
    items = document_items(blocks)
    found = wave_lines(blocks) or chart_waves(blocks) or own_waves(items)
    if found is not None:
        _told_elsewhere(found[1], items + id_rows(blocks), whole=True)
    return found


def _told_elsewhere(listed: list[Draft], items: list[Draft], whole: bool = False) -> None:
    """Each listed effort takes what another reading of it (the item with its id) says: with `whole`, all it does
    not know; else its order and brief only, since a branch or size outside the waves may be another thing's (a
    worktree set-up list, a status table)."""
    told: dict[str, list[Draft]] = {}
    for item in items:
        told.setdefault(_bare(item.id or ""), []).append(item)
    for d in listed:
        for other in told.get(_bare(d.id or ""), []) if d.id else []:
            if other is d:
                continue
            if whole:
                d.fill(other)
            else:
                d.hear(other)


# `Task 3` of a wave's tree is the `- [ ] 3. Update the pipeline` item of the to-do list
_UNIT_WORD = re.compile(rf"^{UNIT}\s+(?=\d)", re.I)


def _bare(ident: str) -> str:
    return _UNIT_WORD.sub("", ident).lower()


def _title(blocks: list[Block]) -> tuple[str, int]:
    headings = [b for b in blocks if b.kind == "heading"]
    top = next((b for b in headings if b.level == 1), headings[0] if headings else None)
    return (plain(top.text), top.line) if top else ("", 1)


def _name(title: str) -> str:
    """`phase10` for `Phase 10: ...`; else the title's distinctive words as a Kubernetes-safe slug."""
    m = re.match(r"^\W*phase\s+(\d+)\b", title, re.I)
    if m:
        return f"phase{m.group(1)}"
    words = slug(_GENERIC.sub(" ", _KIND_SUFFIX.sub("", title)))
    return words[:63].rstrip("-") if words != "x" else "plan"


def _one_branch(blocks: list[Block], sections: list[Section]) -> tuple[str, int] | None:
    """The branch a document names for itself before its first wave (`## Branch: feature/x`, `**Branch**: x`)."""
    first = sections[0].line if sections else None
    for block in blocks:
        if first is not None and block.line >= first:
            break
        if block.kind == "heading":
            m = FIELD.match(plain(block.text))
            if m and m.group(2).lower() == "branch":
                return (branch_in(m.group(3)) or m.group(3).strip(), block.line)
        for line, key, value in fields(block):
            if key == "branch" and branch_in(value):
                return (branch_in(value) or value, line)
    return None


def _with_agent_graphs(drafts: list[Draft], blocks: list[Block]) -> list[Draft]:
    """Agent graph fences give the dependencies of the efforts of the same labels, or the efforts themselves."""
    graphed = [d for b in blocks if is_agent_graph(b) for d in agent_graph_efforts(b)]
    if not drafts:
        return graphed
    by_id = {(d.id or "").lower(): d for d in drafts}
    for g in graphed:
        d = by_id.get((g.id or "").lower())
        if d is not None:
            d.deps += g.deps
    return drafts


# `## Prior waves (summary)`, `### Completed waves`: a look back at waves already run
_HISTORY = re.compile(
    r"\b(?:prior|previous|past|earlier|recent|completed|finished)\s+waves?\b|\bwave\s+history\b", re.I
)


def _looking_back(blocks: list[Block], drafts: list[Draft]) -> tuple[int, str] | None:
    """(line, why) where every effort is read from under a heading that looks back on waves already run."""
    headings = [b for b in blocks if b.kind == "heading"]
    starts = [h.line for h in headings]
    first = None
    for d in drafts:  # the first effort under any other heading ends the search
        at = bisect_right(starts, d.line) - 1
        if at < 0 or not _HISTORY.search(plain(headings[at].text)):
            return None
        first = first or headings[at]
    if first is None:
        return None
    return first.line, f"its efforts are listed under `{plain(first.text)}` (line {first.line}), waves already run"


# `## Wave 2 Results`, `### Wave 1 outcome`: a wave told after it ran
_RESULTS = re.compile(r"^\W*\w+\s+[\w.]+\s+(?:results?|outcomes?)\b", re.I)


def _results(sections: list[Section], drafts: list[Draft]) -> tuple[int, str] | None:
    """(line, why) where every effort is read from a wave section that gives the wave's results."""
    told = {d.section for d in drafts}
    if not told or min(told) < 0 or not all(_RESULTS.search(sections[i].heading) for i in told):
        return None
    first = sections[min(told)]
    return first.line, f"its efforts are listed under `{first.heading}` (line {first.line}), the results of waves run"


def _template(drafts: list[Draft]) -> str | None:
    """Why a document whose every effort is a placeholder (`X.1.1 <effort name>`) is a template, not a plan."""
    if not all(_PLACEHOLDER.search(d.source) for d in drafts):
        return None
    first = drafts[0]
    return (
        f"it is a template: its efforts are placeholders (line {first.line}: {first.source.strip()}); fill in the "
        "efforts' ids, names and branches"
    )


# `For example, in the graph below, nodes a and b run in parallel`: the chart after it shows how waves work
_EXAMPLE = re.compile(r"\b(?:for\s+example|for\s+instance|e\.g\.|an?\s+example|illustrat)", re.I)


def _example(blocks: list[Block], drafts: list[Draft]) -> str | None:
    """Why a document whose only efforts are a chart's, which the text before it calls an example, is no plan."""
    origins = {d.origin for d in drafts}
    if len(origins) != 1 or not (origin := origins.pop()).startswith("chart:"):
        return None
    at = int(origin.partition(":")[2])
    start = end = 0  # the blocks between the chart's heading and the chart
    for end, b in enumerate(blocks):
        if b.line >= at:
            break
        if b.kind == "heading":
            start = end + 1
    said = next((b for b in blocks[start:end] if b.kind == "paragraph" and _EXAMPLE.search(b.text)), None)
    if said is None:
        return None
    return (
        f"its only efforts are the chart at line {at}, which line {said.line} gives as an example; it explains how "
        "waves work, it does not plan any"
    )


_PARALLEL = re.compile(r"\(\s*parallel\b", re.I)


def _steps(sections: list[Section], drafts: list[Draft]) -> str | None:
    """Why numbered Stage/Sprint/... headings are not waves: only one of them lists efforts (a guide's `Stage 1: Feature
    branches` with example branches, a feature's `Phase 1..5`). `Wave N` headings are waves whatever they hold."""
    if not sections or sections[-1].word == "wave" or len({d.section for d in drafts}) != 1 or drafts[0].section < 0:
        return None
    if len({d.branch for d in drafts if d.branch}) >= 2 and all(d.id or d.name for d in drafts):
        return None  # named efforts on branches of their own run side by side: a wave of parallel work, not steps
    only = sections[drafts[0].section]
    if len(drafts) >= 2 and _PARALLEL.search(only.heading):
        return None  # `Stage 1 (parallel)` over two subagents' blocks: work side by side, whatever comes after it
    return (
        f"of its {len(sections)} `{sections[-1].word.title()} N` sections only `{only.heading}` at line {only.line} "
        "lists efforts, so they read as steps, not waves; to read it as a plan, head its waves `## Wave 1`, "
        "`## Wave 2`..."
    )


def _outside(blocks: list[Block], sections: list[Section], kind: str) -> list[Block]:
    """The blocks of a kind outside the wave sections (a dependency matrix or a `Dependencies` section after them)."""
    return [b for b in _outside_sections(blocks, sections) if b.kind == kind]


def _outside_sections(blocks: list[Block], sections: list[Section]) -> list[Block]:
    inside = {id(b) for s in sections for b in s.blocks}
    return [b for b in blocks if id(b) not in inside]


def _why_not(blocks: list[Block], sections: list[Section], title: str) -> str:
    headings = " ".join(plain(b.text).lower() for b in blocks if b.kind == "heading")
    if "merge order" in headings or "merge sequence" in headings:
        return "it sets out a merge order, not efforts grouped into waves"
    if re.match(r"^\W*effort\b", title, re.I):
        return f'it plans a single effort ("{title}"), not efforts grouped into waves'
    if sections:
        first = sections[0]
        return (
            f"its `Wave N` sections list no efforts (the first, `{first.heading or first.name}` at line {first.line}, "
            "holds no effort table, effort or agent block, or list of branches or ids); efforts are read from tables "
            "with a Branch or Effort column, `#### Agent` / `### Effort` / `### Track` / `### [KEY]` blocks, or "
            "bullets, numbered items and checklist items with a branch or an id"
        )
    found = []
    table = next((b for b in blocks if b.kind == "table" and effort_rows(b, 0, -2)), None)
    if table is not None:
        found.append(f"an effort table at line {table.line} without a Wave column")
    lone = next((b for b in blocks if b.kind == "heading" and numbered_heading(b.text)), None)
    if lone is not None:
        found.append(f"a single numbered heading, `{plain(lone.text)}` at line {lone.line}")
    return (
        "no `Wave N` sections (nor two or more numbered Stage, Sprint, Batch, Iteration, Round, Milestone, Phase, "
        "Week, Day or Group headings) and no effort table with a Wave column"
        + (f"; found {' and '.join(found)}" if found else "")
        + "; to read it as a plan, put its efforts under `## Wave 1`, `## Wave 2`... headings or give its effort "
        "table a Wave column (waves are also read from lines such as `Wave 1: A-1, A-2`, a `| Wave | Tasks |` table, "
        "a mermaid graph's `Wave N` subgraphs or gantt sections, or a `wave: N` field under each effort)"
    )
