"""Plans for the deployment tests: the shipped phase 10 plan, and small plans written inline."""

from __future__ import annotations

from pathlib import Path

import pytest

from waveflow.plan.load import read_plan, read_text
from waveflow.plan.model import Plan


@pytest.fixture(scope="session")
def phase10(repo_root: Path) -> Plan:
    return read_plan(repo_root / "include" / "plans" / "phase10.yaml")


@pytest.fixture
def plan_from():
    """plan_from(yaml text) -> Plan, read as a YAML plan file would be."""

    def make(text: str) -> Plan:
        return read_text(text, "inline.yaml")

    return make


@pytest.fixture
def shared_plan_yaml() -> str:
    """Two efforts of one wave in one namespace (with port ranges), and one effort with its own resources."""
    return """
name: shared
max_parallel_agents: 3
isolation: {namespaces: false}   # two efforts may share a namespace
defaults:
  resources: {cpu: 250m, memory: 256Mi}
waves:
  - {number: 1}
  - {number: 2}
efforts:
  - {id: "1.1", name: a, wave: 1, agent: A, namespace: team-ns, labels: {tier: x}, ports: {start: 31000, end: 31009}}
  - {id: "1.2", name: b, wave: 1, agent: B, namespace: team-ns, labels: {tier: x}, ports: {start: 31010, end: 31010}}
  - id: "2.1"
    name: c
    wave: 2
    agent: C
    namespace: big
    resources: {cpu: "1", memory: 1Gi, cpu_limit: "1500m"}
"""
