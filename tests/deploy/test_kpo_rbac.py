"""The Role is exactly what KubernetesPodOperator needs: every pod and event call the installed provider makes on
its code path is allowed, and nothing is allowed that it does not call."""

from __future__ import annotations

import re
from pathlib import Path

import airflow.providers.cncf.kubernetes as provider

from waveflow.k8s.rbac import KPO_RULES

# The operator, what it delegates to, and the trigger its deferred tasks run.
KPO_PATH = ("operators/pod.py", "utils/pod_manager.py", "triggers/pod.py", "hooks/kubernetes.py", "callbacks.py")
# CoreV1Api method -> the (resource, verbs) RBAC checks for it. A websocket exec is an HTTP GET, checked as `get`, and
# as `create` too on clusters that authorize websocket upgrades as what they do (Kubernetes 1.35+).
CALLS = {
    "create_namespaced_pod": ("pods", {"create"}),
    "read_namespaced_pod": ("pods", {"get"}),
    "list_namespaced_pod": ("pods", {"list"}),
    "patch_namespaced_pod": ("pods", {"patch"}),
    "delete_namespaced_pod": ("pods", {"delete"}),
    "read_namespaced_pod_log": ("pods/log", {"get"}),
    "connect_get_namespaced_pod_exec": ("pods/exec", {"get", "create"}),
    "list_namespaced_event": ("events", {"list"}),
}
# Called, or handed to `stream()` (exec over a websocket, a watch): either way a request the Role must allow.
POD_OR_EVENT = re.compile(r"\.((?:create|read|list|patch|delete|replace|connect_\w+?)_namespaced_(?:pod|event)\w*)\b")
# A list handed to a Watch's stream() is a watch request.
WATCHED = re.compile(r"\.stream\(\s*[\w.]+\.(list_namespaced_(?:pod|event))\b")


def provider_source() -> str:
    root = Path(provider.__file__).parent
    return "\n".join((root / rel).read_text(encoding="utf-8") for rel in KPO_PATH)


def calls_in_provider() -> set[str]:
    return set(POD_OR_EVENT.findall(provider_source()))


def granted() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rule in KPO_RULES:
        assert rule["apiGroups"] == [""], "every call KPO makes is to the core API group"
        for resource in rule["resources"]:
            out.setdefault(resource, set()).update(rule["verbs"])
    return out


def test_every_pod_and_event_call_of_the_operator_is_known_here():
    unknown = calls_in_provider() - set(CALLS)
    assert not unknown, f"the provider makes calls this Role was not written for: {sorted(unknown)}"


def test_the_role_allows_every_call_and_nothing_more():
    needed: dict[str, set[str]] = {}
    for call in calls_in_provider():
        resource, verbs = CALLS[call]
        needed.setdefault(resource, set()).update(verbs)
    for listed in WATCHED.findall(provider_source()):
        needed[CALLS[listed][0]].add("watch")
    assert granted() == needed
