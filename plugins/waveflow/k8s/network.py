"""Network isolation of an effort namespace: deny everything, then allow DNS, the git remote and the effort's ports.

NetworkPolicy cannot name a host, only addresses. The git remote (and whatever the effort's tests download from) is
reached on its ports at any *public* address; private, carrier-grade NAT and link-local ranges stay closed, which
keeps effort pods away from the cluster's own services, the Kubernetes API and a cloud's metadata endpoint
(169.254.169.254). A remote on a private network is opened by naming its CIDR instead (`--git-cidr`).
"""

from __future__ import annotations

from typing import Any

from ..plan.model import PortRange
from .manifest import namespaced

DEFAULT_GIT_PORTS = (443,)
PRIVATE_V4 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16")
PRIVATE_V6 = ("fc00::/7", "fe80::/10")
PUBLIC_INTERNET: tuple[dict[str, Any], ...] = (
    {"ipBlock": {"cidr": "0.0.0.0/0", "except": list(PRIVATE_V4)}},
    {"ipBlock": {"cidr": "::/0", "except": list(PRIVATE_V6)}},
)
# CoreDNS keeps the `k8s-app: kube-dns` label of the service it replaced in kubeadm, EKS, GKE and AKS alike.
CLUSTER_DNS = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
}


def _policy(namespace: str, name: str, labels: dict[str, str], spec: dict[str, Any]) -> dict[str, Any]:
    return namespaced(
        "networking.k8s.io/v1", "NetworkPolicy", name, namespace, labels, spec={"podSelector": {}, **spec}
    )


def default_deny(namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """Selects every pod and allows nothing: the policies below are the only way in or out."""
    return _policy(namespace, "default-deny", labels, {"policyTypes": ["Ingress", "Egress"]})


def allow_dns(namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    ports = [{"protocol": proto, "port": 53} for proto in ("UDP", "TCP")]
    return _policy(
        namespace, "allow-dns", labels, {"policyTypes": ["Egress"], "egress": [{"to": [CLUSTER_DNS], "ports": ports}]}
    )


def allow_git(namespace: str, labels: dict[str, str], ports: list[int], cidrs: list[str]) -> dict[str, Any]:
    """Egress to the git remote: its ports, at public addresses, or at the CIDRs given instead."""
    peers = [{"ipBlock": {"cidr": c}} for c in cidrs] if cidrs else [dict(p) for p in PUBLIC_INTERNET]
    rule = {"to": peers, "ports": [{"protocol": "TCP", "port": p} for p in ports]}
    return _policy(namespace, "allow-git-remote", labels, {"policyTypes": ["Egress"], "egress": [rule]})


def allow_effort_ports(namespace: str, labels: dict[str, str], ranges: list[PortRange]) -> dict[str, Any]:
    """Pods of the namespace may talk to each other, but only on the port ranges the plan gave its efforts."""
    ports = [_port_range(r) for r in ranges]
    same_namespace: list[dict[str, Any]] = [{"podSelector": {}}]
    spec = {
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [{"from": same_namespace, "ports": ports}],
        "egress": [{"to": same_namespace, "ports": ports}],
    }
    return _policy(namespace, "allow-effort-ports", labels, spec)


def _port_range(r: PortRange) -> dict[str, Any]:
    port: dict[str, Any] = {"protocol": "TCP", "port": r.start}
    if r.end != r.start:
        port["endPort"] = r.end
    return port
