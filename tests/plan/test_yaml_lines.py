"""The YAML reader gives the data PyYAML loads, with the line of each key and item."""

from __future__ import annotations

import pytest
import yaml

from waveflow.plan.yaml_lines import load_with_lines

SAME_AS_PYYAML = [
    "a: 1\nb: [x, 'y', \"2\", 3.5, true, null, ~, 0x1f, 1_000, 2026-01-02]\nc: {d: e}\n",
    "base: &b {image: py, retries: 2}\nefforts:\n  - <<: *b\n    retries: 5\n  - *b\n",
    "m: &m {a: 1, b: 2}\nn: &n {b: 3, c: 4}\no:\n  <<: [*m, *n]\n  a: 9\n",
    "a: !!str 5\nb: !!int '7'\nc: !!float 1\nd: 'yes'\ne: yes\n",
    "1: one\n? x\n: y\n'': empty\n",
    "# a comment only before the data\n\n---\nname: p\n...\n",
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n",
    # Decimals, and plain scalars repeated (each text is typed once per document).
    "a: [12, 12, '12', -0, +7, 0, 007, 010, 1_0, 12.0, 2026-01-02, 1:30]\nname: n\nnames: [name, null, n, ~, '', yes, yes]\n",
]


@pytest.mark.parametrize("text", SAME_AS_PYYAML)
def test_data_is_what_pyyaml_loads(text):
    document = load_with_lines(text, {})
    assert document is not None
    assert _typed(document[0]) == _typed(yaml.safe_load(text))


def _typed(value):
    """Each scalar with its type beside it: 1 == 1.0 == True would hide a scalar typed wrong."""
    if isinstance(value, dict):
        return {_typed(k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return type(value).__name__, value


def test_each_key_and_item_has_its_line():
    text = "name: p\nefforts:\n  - id: a\n    ports:\n      start: 1\n  - id: b\n"
    locations: dict[str, int] = {}
    document = load_with_lines(text, locations)
    assert document is not None and document[1] == 1
    assert locations == {
        "name": 1,
        "efforts": 2,
        "efforts/0": 3,
        "efforts/0/id": 3,
        "efforts/0/ports": 4,
        "efforts/0/ports/start": 5,
        "efforts/1": 6,
        "efforts/1/id": 6,
    }


def test_an_alias_is_the_same_object_built_once():
    document = load_with_lines("a: &x [1, 2]\nb: *x\n", {})
    assert document is not None
    assert document[0]["a"] is document[0]["b"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: &x [1, *x]\n", "an anchor is used inside itself", 1),
        ("a: 1\nb: *nope\n", "found undefined alias", 2),
        ("a: 1\n--- \nb: 2\n", "expected a single document in the stream", 2),
        ("a:\n  b: !!set {x, y}\n", "tag 'tag:yaml.org,2002:set' has no use in a plan", 2),
        ("a: <<\n", "`<<` merges mappings only as a key", 1),
        ("a:\n  <<: [1]\n", "expected a mapping for merging", 2),
        ("? [a, b]\n: c\n", "unhashable key", 1),
        ("a: !custom 1\n", "could not determine a constructor for the tag '!custom'", 1),
    ],
)
def test_what_a_plan_cannot_hold_is_a_yaml_error_with_its_line(text, message, line):
    with pytest.raises(yaml.YAMLError) as exc:
        load_with_lines(text, {})
    mark = getattr(exc.value, "problem_mark", None)
    assert message in str(exc.value)
    assert mark is not None and mark.line + 1 == line


def test_an_empty_stream_is_no_document():
    assert load_with_lines("", {}) is None
    assert load_with_lines("# nothing\n", {}) is None


def test_an_alias_points_at_its_anchor_and_aliases_of_aliases_stay_linear():
    """PyYAML's node tree holds the anchored node where each alias is: a problem inside it is shown at the anchor."""
    text = "base: &b {image: py}\nefforts:\n  - *b\n"
    locations: dict[str, int] = {}
    assert load_with_lines(text, locations) is not None
    assert locations == {"base": 1, "base/image": 1, "efforts": 2, "efforts/0": 1}
    # Eleven levels of ten aliases each: 10^11 paths if aliases were walked again, a few dozen lines recorded here.
    levels = "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 12))
    locations = {}
    assert load_with_lines("a0: &a0 [x]\n" + levels, locations) is not None
    assert len(locations) < 200
