"""A markdown document as a flat list of blocks with line numbers.

markdown-it-py gives the block structure (headings, fences, lists, quotes, paragraphs). Its inline pass and its
table rule are switched off: inline markup is stripped where a value is read, and pipe tables are split out of
paragraphs here: the table rule was most of the parse of a long plan (figures in `docs/benchmarks.md`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token


def _pipe_paragraph(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A paragraph whose lines after the first all start with `|`, as a pipe table's rows do.

    The `lheading` and `paragraph` rules each ask every line of a paragraph whether it underlines a heading or starts
    a block that ends the paragraph (a fence, quote, rule, list, html block or heading), which on a 1,000-row table is
    most of markdown-it's time. None of those starts with `|`: such a paragraph is made here, as `paragraph` would
    make it (its text stripped, as `parse_blocks` strips it anyway), without asking. At any other line the two rules
    take over as usual.
    """
    line = start + 1
    while line < state.lineMax and not state.isEmpty(line):
        if state.src[state.bMarks[line] + state.tShift[line]] != "|":
            return False
        line += 1
    if silent:
        return True
    state.line = line
    state.push("paragraph_open", "p", 1).map = [start, line]
    inline = state.push("inline", "", 0)
    inline.content = state.getLines(start, line, state.blkIndent, False).strip()
    inline.map = [start, line]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    return True


_MD = MarkdownIt("commonmark").disable(["inline", "text_join"])
_MD.block.ruler.before("lheading", "pipe_paragraph", _pipe_paragraph)

_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


@dataclass
class Block:
    kind: str  # heading (a `<details>` summary too) | paragraph | fence | table
    line: int  # 1-based line of the block's first line
    text: str = ""
    level: int = 0  # heading level
    depth: int = 0  # list nesting of a paragraph or fence (0: not in a list)
    item: bool = False  # the first paragraph of a list item
    quote: bool = False  # inside a blockquote
    info: str = ""  # fence language
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells)

    def lines(self) -> list[tuple[int, str]]:
        """(line, text) of each line; a fence's text starts on the line after its opening fence."""
        first = self.line + 1 if self.kind == "fence" else self.line
        return [(first + i, text) for i, text in enumerate(self.text.split("\n"))]


def parse_blocks(text: str) -> list[Block]:
    tokens = _MD.parse(text)
    blocks: list[Block] = []
    depth = quote = 0
    fresh_item = False
    level = 0  # the last heading's level: a `<details>` block's summary is a heading under it
    for i, tok in enumerate(tokens):
        start = tok.map[0] + 1 if tok.map else 0
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open":
            fresh_item = True
        elif tok.type == "blockquote_open":
            quote += 1
        elif tok.type == "blockquote_close":
            quote -= 1
        elif tok.type == "heading_open":
            level = int(tok.tag[1:])
            blocks.append(Block("heading", start, _content(tokens, i), level=level))
        elif tok.type == "html_block" and (summary := _summary(tok.content)):
            offset, title = summary
            blocks.append(Block("heading", start + offset, title, level=min(level + 1, 6)))
        elif tok.type in ("fence", "code_block"):
            # An indented block has no opening fence line; count from the line before so its text lines line up.
            opening = start if tok.type == "fence" else start - 1
            blocks.append(Block("fence", opening, tok.content, depth=depth, info=tok.info.strip().lower()))
        elif tok.type == "paragraph_open":
            para = Block("paragraph", start, _content(tokens, i), depth=depth, item=fresh_item, quote=quote > 0)
            fresh_item = False
            blocks.extend(_split_tables(para))
    return blocks


# `<details><summary><b>S1</b> Tokenizer</summary>`: a folded section, its summary the title of what it holds.
_DETAILS = re.compile(r"^\s*<details\b", re.I)
_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary>", re.I)
_TAG = re.compile(r"</?(b|strong|code|em|i)\b[^>]*>", re.I)
_AS_MARKDOWN = {"b": "**", "strong": "**", "code": "`", "em": "*", "i": "*"}


def _summary(html: str) -> tuple[int, str] | None:
    """(line offset, title as markdown) of an html block opening a `<details>` section with a one-line summary."""
    if not _DETAILS.match(html):
        return None
    for offset, line in enumerate(html.split("\n")):
        m = _SUMMARY.search(line)
        if m:
            title = _TAG.sub(lambda t: _AS_MARKDOWN[t.group(1).lower()], m.group(1)).strip()
            return (offset, title) if title else None
    return None


def _content(tokens: list[Token], i: int) -> str:
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return nxt.content.strip() if nxt is not None and nxt.type == "inline" else ""


def _split_tables(para: Block) -> list[Block]:
    """A paragraph holding `header / delimiter / rows` lines becomes a table (plus the prose before it, if any)."""
    lines = para.text.split("\n")
    for i in range(len(lines) - 1):
        if "|" in lines[i] and "|" in lines[i + 1] and _DELIMITER.match(lines[i + 1]):
            out: list[Block] = []
            if i:
                out.append(Block("paragraph", para.line, "\n".join(lines[:i]), depth=para.depth, item=para.item))
            header = split_row(lines[i])
            rows = [(para.line + j, split_row(lines[j])) for j in range(i + 2, len(lines)) if lines[j].strip()]
            out.append(Block("table", para.line + i, header=header, rows=rows, depth=para.depth, quote=para.quote))
            return out
    return [para]


def split_row(line: str) -> list[str]:
    """Cells of a pipe-table row; as in GFM, only `\\|` keeps a pipe inside a cell."""
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    if "\\|" not in s:
        return list(map(str.strip, s.split("|")))
    # NUL holds the escaped pipes' place while the row is split: markdown-it has made the text's own NULs U+FFFD.
    return [cell.replace("\x00", "|").strip() for cell in s.replace("\\|", "\x00").split("|")]


def as_markdown(blocks: list[Block]) -> str:
    """Blocks written back as markdown (list items indented by their depth), for text handed on whole: a brief."""
    out: list[str] = []
    top = min((b.depth for b in blocks if b.depth), default=1)  # the shallowest list given is written as top level
    for b in blocks:
        if b.kind == "heading":
            out.append("#" * b.level + " " + b.text)
        elif b.kind == "fence":
            out.append(f"```{b.info}\n{b.text.rstrip()}\n```")
        elif b.kind == "table":
            rows = [b.header, ["---"] * len(b.header), *(cells for _, cells in b.rows)]
            out.append("\n".join("| " + " | ".join(r) + " |" for r in rows))
        elif b.depth:
            pad = "  " * max(b.depth - top, 0)
            lines = b.text.split("\n")
            first = f"{pad}- {lines[0]}" if b.item else f"{pad}  {lines[0]}"
            out.append("\n".join([first, *(f"{pad}  {t}" for t in lines[1:])]))
        else:
            out.append(("> " if b.quote else "") + b.text)
    # List items of one list stay together; other blocks are paragraphs apart.
    text = ""
    for prev, (b, chunk) in zip([None, *blocks], zip(blocks, out, strict=True), strict=False):
        joined = prev is not None and prev.depth and b.depth
        text += ("\n" if joined else "\n\n") + chunk if text else chunk
    return text


def heading_section(blocks: list[Block], i: int) -> str:
    """A heading and what it holds, up to the next heading of its level or above, written back as markdown."""
    level = blocks[i].level
    end = next((j for j in range(i + 1, len(blocks)) if blocks[j].kind == "heading" and blocks[j].level <= level), None)
    return as_markdown(blocks[i:end])


def list_items(body: list[Block], i: int) -> list[tuple[int, str, list[Block]]]:
    """(line, first line, blocks nested under it) of each top-level item of the list right after block i."""
    items: list[tuple[int, str, list[Block]]] = []
    depth = None
    for block in body[i + 1 :]:
        if block.kind != "paragraph" or not block.depth:
            break
        depth = depth or block.depth
        if block.item and block.depth == depth:
            first, _, rest = block.text.partition("\n")
            items.append((block.line, first, []))
            if rest:
                items[-1][2].append(Block("paragraph", block.line + 1, rest, depth=block.depth))
        elif items:
            items[-1][2].append(block)
    return items
