"""Documentation completeness: the public APIs this branch adds (Python and Go) that have no docstring/doc comment.

An API is public when its name is: Python functions, classes and methods not starting with `_` (in modules not
starting with `_`); exported Go functions, methods and types. Tests and vendored code are not APIs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from ..errors import StepFailed
from ..result import Metrics
from .evidence import Evidence

_GO_DECL = re.compile(
    r"^(?:func(?: \(\s*\w*\s*\*?\s*([A-Za-z_]\w*)[^)]*\))? ([A-Za-z_]\w*)\s*[\[(]|type ([A-Za-z_]\w*)\b)"
)
_TEST_PARTS = {"test", "tests", "testdata", "vendor", "third_party", "node_modules"}


def is_api_file(path: str) -> bool:
    p = PurePosixPath(path)
    if _TEST_PARTS.intersection(p.parts[:-1]):
        return False
    if p.suffix == ".go":
        return not p.name.endswith("_test.go")
    if p.suffix == ".py":
        private = p.name.startswith("_") and p.name != "__init__.py"
        return not (private or p.name.startswith("test_") or p.name.endswith("_test.py") or p.name == "conftest.py")
    return False


def python_apis(source: str) -> dict[str, tuple[int, bool]]:
    """Public name -> (line, documented)."""
    tree = ast.parse(source)
    found: dict[str, tuple[int, bool]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and _public(node.name):
            found[node.name] = (node.lineno, bool(ast.get_docstring(node)))
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _public(item.name):
                        found[f"{node.name}.{item.name}"] = (item.lineno, bool(ast.get_docstring(item)))
    return found


def go_apis(source: str) -> dict[str, tuple[int, bool]]:
    found: dict[str, tuple[int, bool]] = {}
    previous = ""
    for n, line in enumerate(source.splitlines(), start=1):
        m = _GO_DECL.match(line)
        if m:
            receiver, func, typ = m.groups()
            name = typ or func or ""
            if name[:1].isupper() and (receiver is None or receiver[:1].isupper()):
                found[f"{receiver}.{name}" if receiver else name] = (n, previous.startswith("//"))
        previous = line.strip()
    return found


def _public(name: str) -> bool:
    return not name.startswith("_")


def apis(path: str, source: str) -> dict[str, tuple[int, bool]]:
    return go_apis(source) if path.endswith(".go") else python_apis(source)


def undocumented_added(path: str, new: str, old: str | None) -> list[str]:
    before = apis(path, old) if old is not None else {}
    return [f"{path}:{line} {name}" for name, (line, documented) in apis(path, new).items()
            if name not in before and not documented]  # fmt: skip


def _changed(evidence: Evidence) -> Iterator[tuple[str, str | None]]:
    """(path now, path at the start point or None) for each file the branch added, changed or renamed."""
    assert evidence.git is not None and evidence.start_point is not None
    out = evidence.git("diff", "--name-status", "-z", "--diff-filter=AMR", evidence.start_point, "HEAD", step="docs")
    fields = iter(out.split("\0"))
    for status in fields:
        if not status:
            continue
        if status.startswith("R"):
            old, new = next(fields), next(fields)
            yield new, old
        else:
            path = next(fields)
            yield path, (path if status == "M" else None)


def collect(evidence: Evidence, metrics: Metrics) -> None:
    if evidence.git is None or evidence.start_point is None:
        metrics.unavailable["docs"] = "no start point to compare the branch against"
        return
    missing: list[str] = []
    unreadable: list[str] = []
    try:
        changed = list(_changed(evidence))
    except StepFailed as exc:
        metrics.unavailable["docs"] = exc.reason
        return
    for path, old_path in changed:
        if not is_api_file(path):
            continue
        new = evidence.git.status("show", f"HEAD:{path}")[1]
        old = evidence.git.status("show", f"{evidence.start_point}:{old_path}")[1] if old_path else None
        try:
            missing += undocumented_added(path, new, old)
        except (SyntaxError, ValueError) as exc:
            unreadable.append(f"{path}: {exc}")
    metrics.undocumented_apis = missing
    metrics.sources["docs"] = f"git diff {evidence.start_point[:12]}..HEAD"
    if unreadable:
        metrics.unavailable["docs"] = "could not parse: " + "; ".join(unreadable)
