"""What a run would refuse or trip over later is said at validation, at its line: refused, or warned about."""

from __future__ import annotations

import textwrap

import pytest

from waveflow.plan.errors import PlanError
from waveflow.plan.load import read_text
from waveflow.plan.validate import validate

CLEAN = {"repo": "https://git.example/app.git", "base_ref": "main"}


def plan_text(efforts: str, **top: str) -> str:
    head = "".join(f"{k}: {v}\n" for k, v in (CLEAN | top).items())
    return f"name: p\n{head}waves: [{{number: 1}}]\nefforts:\n" + textwrap.dedent(efforts)


def problems(efforts: str, **top: str) -> list[str]:
    return [str(p) for p in validate(read_text(plan_text(efforts, **top), "p.yaml"))]


EFFORT = "  - {id: a, name: A, wave: 1, branch: feat/a, agent: x}\n"


def test_the_clean_plan_of_these_tests_has_no_problems():
    assert problems(EFFORT) == []


@pytest.mark.parametrize(
    ("top", "effort", "expected"),
    [
        (
            {},
            "  - {id: a, name: A, wave: 1, branch: main, agent: x}\n",
            "p.yaml:6: error: effort a: branch 'main' is the base ref: its work would be pushed onto the branch every "
            "effort starts from; give it a branch of its own",
        ),
        (
            {"base_ref": "release"},
            "  - id: a\n    name: A\n    wave: 1\n    agent: x\n    branch: refs/heads/release\n",
            "p.yaml:10: error: effort a: branch 'refs/heads/release' is the base ref",
        ),
        (
            {},
            "  - {id: a, name: A, wave: 1, branch: refs/notes/waveflow, agent: x}\n",
            "p.yaml:6: error: effort a: branch 'refs/notes/waveflow' is under refs/notes/, where git keeps notes",
        ),
        (
            {"repo": "'ext::sh -c touch% /tmp/pwned'"},
            EFFORT,
            "p.yaml:2: error: repo 'ext::sh -c touch% /tmp/pwned': repository URLs with a remote helper",
        ),
        (
            {"repo": "'--upload-pack=touch /tmp/pwned'"},
            EFFORT,
            "p.yaml:2: error: repo '--upload-pack=touch /tmp/pwned': repository '--upload-pack=touch /tmp/pwned' "
            "looks like an option",
        ),
        (
            {"base_ref": "'--upload-pack=touch /tmp/pwned'"},
            EFFORT,
            "p.yaml:3: error: base_ref '--upload-pack=touch /tmp/pwned': a branch name cannot start with '-'",
        ),
        (
            {"base_ref": "refs/notes/waveflow"},
            EFFORT,
            "p.yaml:3: error: base_ref 'refs/notes/waveflow': it is under refs/notes/, where git keeps notes",
        ),
        (
            {},
            "  - {id: a, name: A, wave: 1, branch: feat/a, agent: x, worktree: .waveflow/mirrors}\n",
            "p.yaml:6: error: effort a: worktree '.waveflow/mirrors': the runner refuses a worktree that is the "
            "workspace itself or in a dot-directory",
        ),
        (
            {},
            "  - {id: a, name: A, wave: 1, branch: feat/a, agent: x, worktree: .}\n",
            "p.yaml:6: error: effort a: worktree '.': the runner refuses",
        ),
        (
            {},
            "  - id: a\n    name: A\n    wave: 1\n    branch: feat/a\n    agent: x\n    commands:\n      test: []\n",
            "p.yaml:12: error: effort a: commands.test is empty: an effort's tests are how a run knows its work is done",
        ),
        (
            {"defaults": "{commands: {test: []}}"},
            EFFORT,
            "p.yaml:4: error: defaults: commands.test is empty",
        ),
        (
            {},
            "  - {id: a, name: A, wave: 1, branch: feat/a, agent: x, commands: {test: ['', x]}}\n",
            "p.yaml:6: error: effort a: commands.test: the program (first element) is empty",
        ),
        (
            {"defaults": "{retries: 1000000}"},
            EFFORT,
            "p.yaml:4: error: defaults: retries 1000000: at most 10",
        ),
        (
            {},
            "  - {id: a, name: A, wave: 1, branch: feat/a, agent: x, retries: 11}\n",
            "p.yaml:6: error: effort a: retries 11: at most 10",
        ),
    ],
)
def test_what_a_run_would_refuse_is_an_error_at_its_line(top, effort, expected):
    found = problems(effort, **top)
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize(
    "ports", ["{start: true, end: 2000}", "{start: '3000', end: 3100}", "{start: 3000.0, end: 3100}"]
)
def test_ports_that_are_not_whole_numbers_are_refused(ports):
    with pytest.raises(PlanError) as exc:
        read_text(plan_text(f"  - {{id: a, name: A, wave: 1, branch: feat/a, agent: x, ports: {ports}}}\n"), "p.yaml")
    assert [str(p) for p in exc.value.problems] == [
        "p.yaml:6: error: efforts.0.ports.start: Input should be a valid integer"
    ]


@pytest.mark.parametrize(
    ("effort", "expected"),
    [
        (
            "  - {id: a, name: A, wave: 1, branch: feat/a, agent: x, ports: {start: 80, end: 90}}\n",
            "p.yaml:6: warning: effort a: ports 80-90 reach below 1024: privileged ports, which a test server run as "
            "a non-root user (as in a pod) cannot bind",
        ),
        (
            "  - {id: a, name: A, wave: 1, branch: feat/a, agent: x, namespace: kube-system}\n",
            "p.yaml:6: warning: effort a: namespace 'kube-system' is Kubernetes' own",
        ),
        (
            "  - {id: a, name: A, wave: 1, branch: feat/a, agent: x, namespace: default}\n",
            "p.yaml:6: warning: effort a: namespace 'default' is Kubernetes' own",
        ),
        (
            '  - {id: a, name: "Pay \\u202Eevil", wave: 1, branch: feat/a, agent: x}\n',
            "p.yaml:6: warning: effort a: name holds U+202E, a bidirectional control character: it shows the text in "
            "another order than it has",
        ),
        (
            '  - {id: a, name: A, wave: 1, branch: "feat/a\\u2067b", agent: x}\n',
            "p.yaml:6: warning: effort a: branch holds U+2067",
        ),
    ],
)
def test_what_may_work_but_likely_is_not_meant_is_warned(effort, expected):
    found = problems(effort)
    assert any(p.startswith(expected) for p in found), found
    assert not [p for p in found if ": error: " in p]
