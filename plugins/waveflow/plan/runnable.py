"""What a run would refuse or trip over later, said when the plan is validated, at its line: an effort pushing onto
its own base ref, a repository URL the runner refuses, a worktree where the runner keeps its state, tests that run
nothing, retries without end. Warned: ports a non-root process cannot bind, Kubernetes' own namespaces, names that
show their text in another order than it has."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from ..runner.checks import url_problem
from .model import Commands, Plan, effort_key, gate_key, wave_key
from .names import NOTES_PREFIX

Add = Callable[..., None]  # (severity, message, *location keys)

# Retries are for transient failures (a fetch, a push, a lost pod), each waiting longer than the last: beyond a few,
# a run only takes hours to fail.
MAX_RETRIES = 10
PRIVILEGED_BELOW = 1024
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# Embeddings, overrides and isolates (the "Trojan Source" characters): the text shows in another order than it has.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def check_runnable(plan: Plan, add: Add) -> None:
    _check_refs(plan, add)
    _check_commands(plan, add)
    _check_retries(plan, add)
    _check_isolation(plan, add)
    _check_bidi(plan, add)


def _short(ref: str) -> str:
    return ref.removeprefix("refs/heads/")


def _check_refs(plan: Plan, add: Add) -> None:
    if plan.repo is not None:
        why = url_problem(plan.repo)  # the runner's own rule: it would refuse the URL at every effort
        if why:
            add("error", f"repo {plan.repo!r}: {why}", "repo")
    for e in plan.efforts:
        branch, key = plan.branch_of(e), effort_key(e.id)
        if _short(branch) == _short(plan.base_ref):
            why = f"effort {e.id}: branch {branch!r} is the base ref: its work would be pushed onto the branch every "
            add("error", why + "effort starts from; give it a branch of its own", f"{key}/branch", key)
        elif branch.startswith(NOTES_PREFIX):
            why = f"effort {e.id}: branch {branch!r} is under {NOTES_PREFIX}, where git keeps notes (the runner "
            add("error", why + "records results there): give it a branch of its own", f"{key}/branch", key)
        if e.worktree is not None:
            parts = PurePosixPath(e.worktree).parts
            # `..` is refused as outside the workspace already.
            if (not parts or parts[0].startswith(".")) and ".." not in parts:
                why = f"effort {e.id}: worktree {e.worktree!r}: the runner refuses a worktree that is the workspace "
                why += "itself or in a dot-directory (`.waveflow` holds its mirrors and locks)"
                add("error", why, f"{key}/worktree", key)


def _check_commands(plan: Plan, add: Add) -> None:
    _check_argv(plan.defaults.commands, "defaults", "defaults/commands", add)
    for e in plan.efforts:
        if "commands" in e.model_fields_set:
            _check_argv(e.commands, f"effort {e.id}", f"{effort_key(e.id)}/commands", add)


def _check_argv(commands: Commands, who: str, key: str, add: Add) -> None:
    if commands.test == []:
        why = f"{who}: commands.test is empty: an effort's tests are how a run knows its work is done; give a command"
        add("error", why, f"{key}/test", key)
    for name, argv in (("implement", commands.implement), ("test", commands.test)):
        if argv and not argv[0].strip():
            add("error", f"{who}: commands.{name}: the program (first element) is empty", f"{key}/{name}", key)


def _check_retries(plan: Plan, add: Add) -> None:
    found: list[tuple[str, int | None, str]] = [("defaults", plan.defaults.retries, "defaults/retries")]
    found += [(f"effort {e.id}", e.retries, f"{effort_key(e.id)}/retries") for e in plan.efforts if e.retries]
    for who, retries, key in found:
        if retries is not None and retries > MAX_RETRIES:
            why = f"{who}: retries {retries}: at most {MAX_RETRIES}; retries are for transient failures (fetch, push, "
            add("error", why + "a lost pod) and each waits longer than the last", key)


def _check_isolation(plan: Plan, add: Add) -> None:
    for e in plan.efforts:
        key = effort_key(e.id)
        if e.ports and e.ports.start < PRIVILEGED_BELOW:
            why = f"effort {e.id}: ports {e.ports.start}-{e.ports.end} reach below {PRIVILEGED_BELOW}: privileged "
            why += "ports, which a test server run as a non-root user (as in a pod) cannot bind"
            add("warning", why, f"{key}/ports", key)
        if e.namespace and (e.namespace in SYSTEM_NAMESPACES or e.namespace.startswith("kube-")):
            why = f"effort {e.id}: namespace {e.namespace!r} is Kubernetes' own: the effort's tests would run among "
            why += "the cluster's system objects; give it a namespace of its own"
            add("warning", why, f"{key}/namespace", key)


def _check_bidi(plan: Plan, add: Add) -> None:
    names: list[tuple[str, str | None, tuple[str, ...]]] = [("plan title", plan.title, ("title", "name"))]
    names += [(f"wave {w.number} name", w.name, (wave_key(w.number),)) for w in plan.waves]
    for e in plan.efforts:
        for field in ("name", "branch", "worktree"):
            text = getattr(e, field)
            if text and _BIDI.search(text):  # told only then: most efforts' names hold none, and there are many
                key = effort_key(e.id)
                names.append((f"effort {e.id}: {field}", text, (f"{key}/{field}", key)))
    names += [(f"gate {g.metric!r}", g.metric, (gate_key(i),)) for i, g in enumerate(plan.gates)]
    names += [(f"agent profile {n!r}", n, (f"agents/{n}", "agents")) for n in plan.agents]
    for who, text, keys in names:
        found = _BIDI.search(text or "")
        if found:
            why = f"{who} holds U+{ord(found.group()):04X}, a bidirectional control character: it shows the text "
            why += "in another order than it has (remove it unless the name is written right to left)"
            add("warning", why, *keys)
