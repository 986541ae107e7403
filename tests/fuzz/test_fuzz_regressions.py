"""Plans the fuzz suite found that once escaped as foreign exceptions or unlocated, multi-line problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_pipeline import through_everything

ROOT = Path(__file__).resolve().parents[2]
PHASE10_MD = (ROOT / "include/plans/phase10.md").read_text(encoding="utf-8")
GATE = '  - {metric: Test Coverage, target: ">80%", measurement: go test -cover}\n'


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # A character the YAML reader refuses has a position, not a mark: it once came out without a line.
        ("nul.yaml", "name: p\x00\n"),
        ("del.yaml", "\x7f"),
        # A front matter error once carried PyYAML's multi-line context into the one-line problem.
        ("front.md", PHASE10_MD.replace("max_parallel_agents: 4", "max_parallel_agents\x7f 4")),
        ("front-scan.md", PHASE10_MD.replace("schedule:", "schedule;")),
        # An id with a newline in it once split its problem over two lines.
        ("newline.yaml", 'name: p\nwaves: [{number: 1}]\nefforts: [{id: "1.1\\n", name: a, wave: 1}]\n'),
    ],
)
def test_every_problem_is_one_located_line(plans, name, text):
    assert through_everything(text, name, plans) in ("refused by the reader", "invalid")


def test_an_empty_plan_name_is_refused_not_handed_to_airflow(plans):
    text = "---\nname: ''\n---\n### Wave 1: W\n\n| Effort | Name | Branch |\n|---|---|---|\n| 1.1 | A | `f/a` |\n"
    assert through_everything(text, "empty-name.md", plans) == "invalid"


def test_two_gates_with_one_task_id_are_an_import_error_not_a_crash(plans):
    text = (ROOT / "include/plans/phase10.yaml").read_text(encoding="utf-8").replace(GATE, GATE + GATE)
    assert through_everything(text, "twice.yaml", plans) == "refused by the factory (gates)"


def nested_aliases(levels: int) -> str:
    """A few hundred bytes that name 10**levels nodes through aliases (the "billion laughs")."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\nname: p\n"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # An anchor used inside itself once sent the YAML reader into endless recursion.
        ("recursive.yaml", "&a [*a]\n"),
        ("recursive-map.yaml", "name: p\nwaves: &w [{number: 1, x: *w}]\n"),
        # 10**8 nodes by alias once made the reader walk each of them.
        ("laughs.yaml", nested_aliases(8)),
        ("laughs-efforts.yaml", nested_aliases(8) + "waves: [{number: 1}]\nefforts: *a7\n"),
    ],
)
def test_aliases_are_built_once(plans, name, text):
    assert len(text) < 1000
    assert through_everything(text, name, plans) == "refused by the reader"


def test_a_run_of_symbols_after_a_bold_title_is_read_at_once():
    # A bold title's trailing marks were once matched by a nested repeat: 40 symbols took 2^40 steps. Read in a child
    # process, so a regression fails here (its limit is far above the millisecond the read takes) instead of hanging.
    import subprocess
    import sys

    text = "## Wave 1\n\n**Effort 1.1.1** " + "!" * 40 + " x\n"
    code = "import sys; from waveflow.plan.load import read_text\ntry: read_text(sys.stdin.read(), 'p.md')\nexcept Exception: pass"
    done = subprocess.run([sys.executable, "-c", code], input=text, text=True, timeout=120, capture_output=True)
    assert done.returncode == 0, done.stderr
