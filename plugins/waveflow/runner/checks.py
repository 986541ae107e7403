"""Input checks run before anything touches git: a bad input exits 2 with every problem named at once."""

from __future__ import annotations

import re

from .contract import ENV_NAMES, RunnerInputs
from .errors import InvalidInput

MODES = ("local", "pod")
_BAD_REF = re.compile(r"(^[-/.])|(\.\.)|(@\{)|(//)|([\x00-\x20\x7f~^:?*\[\\])|(\.lock$)|([/.]$)|(/\.)")


def ref_problem(what: str, name: str) -> str | None:
    """Why `name` is not a usable branch or tag name (also: nothing git could take for an option)."""
    if not name or name == "@" or _BAD_REF.search(name):
        return f"{what} {name!r} is not a valid git branch or tag name"
    return None


def url_problem(url: str) -> str | None:
    if url.startswith("-"):
        return f"repository {url!r} looks like an option"
    if "::" in url.split("/", 1)[0]:
        return "repository URLs with a remote helper (`ext::`, `fd::`...) run commands: refused"
    return None


def check(inputs: RunnerInputs) -> None:
    problems = [
        ref_problem(f"{ENV_NAMES['branch']}: branch", inputs.branch),
        ref_problem(f"{ENV_NAMES['base_ref']}: base ref", inputs.base_ref),
        *(ref_problem(f"{ENV_NAMES['dependency_branches']}: branch", b) for b in inputs.dependency_branches),
        url_problem(inputs.repo),
    ]
    if inputs.mode not in MODES:
        problems.append(f"{ENV_NAMES['mode']} must be one of {', '.join(MODES)}, not {inputs.mode!r}")
    if inputs.branch in inputs.dependency_branches:
        problems.append(f"branch {inputs.branch!r} lists itself as a dependency")
    if (inputs.port_start is None) != (inputs.port_end is None):
        problems.append(f"{ENV_NAMES['port_start']} and {ENV_NAMES['port_end']} go together")
    elif (
        inputs.port_start is not None
        and inputs.port_end is not None
        and not (1 <= inputs.port_start <= inputs.port_end <= 65535)
    ):
        problems.append(f"port range {inputs.port_start}-{inputs.port_end} is not within 1-65535 in order")
    for name in ("implement_timeout", "test_timeout"):
        if getattr(inputs, name) <= 0:
            problems.append(f"{ENV_NAMES[name]} must be a positive number of seconds")
    for name in ("implement", "test"):
        argv = getattr(inputs, name)
        if argv and not argv[0]:
            problems.append(f"{ENV_NAMES[name]}: the program (first element) is empty")
    problems = [p for p in problems if p]
    if problems:
        raise InvalidInput("; ".join(p for p in problems if p))
