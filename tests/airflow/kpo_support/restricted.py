"""The Pod Security Standards' *restricted* profile (which includes *baseline*), as checks over a serialized pod.

Written from the policy table at https://kubernetes.io/docs/concepts/security/pod-security-standards/ for the fields
a pod spec can carry; what the admission controller would reject, each with the container it is about.
"""

from __future__ import annotations

from typing import Any

_ALLOWED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}
_SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
_SELINUX_TYPES = {None, "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
_SECCOMP_OK = {"RuntimeDefault", "Localhost"}


def violations(pod: dict[str, Any]) -> list[str]:
    spec = pod.get("spec") or {}
    psc = spec.get("securityContext") or {}
    problems: list[str] = []
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key):
            problems.append(f"pod: {key} must not be true")
    for volume in spec.get("volumes") or []:
        kinds = set(volume) - {"name"}
        if not kinds <= _ALLOWED_VOLUMES:
            problems.append(f"volume {volume.get('name')}: type {sorted(kinds - _ALLOWED_VOLUMES)} is not allowed")
    for sysctl in psc.get("sysctls") or []:
        if sysctl.get("name") not in _SAFE_SYSCTLS:
            problems.append(f"pod: sysctl {sysctl.get('name')} is not allowed")
    problems += _lsm("pod", psc)
    if psc.get("runAsUser") == 0:
        problems.append("pod: runAsUser must not be 0")
    pod_seccomp = (psc.get("seccompProfile") or {}).get("type")
    if pod_seccomp is not None and pod_seccomp not in _SECCOMP_OK:
        problems.append(f"pod: seccompProfile {pod_seccomp} is not allowed")
    containers = [
        *(spec.get("initContainers") or []),
        *(spec.get("containers") or []),
        *(spec.get("ephemeralContainers") or []),
    ]
    for c in containers:
        problems += _container(c, psc, pod_seccomp)
    return problems


def _container(c: dict[str, Any], psc: dict[str, Any], pod_seccomp: str | None) -> list[str]:
    name = f"container {c.get('name')}"
    sc = c.get("securityContext") or {}
    problems = _lsm(name, sc)
    if sc.get("privileged"):
        problems.append(f"{name}: privileged must not be true")
    if (sc.get("windowsOptions") or {}).get("hostProcess"):
        problems.append(f"{name}: hostProcess must not be true")
    if sc.get("procMount") not in (None, "Default"):
        problems.append(f"{name}: procMount must be Default")
    if any(p.get("hostPort") for p in c.get("ports") or []):
        problems.append(f"{name}: hostPort must not be set")
    if sc.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{name}: allowPrivilegeEscalation must be false")
    non_root = sc.get("runAsNonRoot", psc.get("runAsNonRoot"))
    if non_root is not True:
        problems.append(f"{name}: runAsNonRoot must be true (here or on the pod)")
    if sc.get("runAsUser") == 0:
        problems.append(f"{name}: runAsUser must not be 0")
    seccomp = (sc.get("seccompProfile") or {}).get("type", pod_seccomp)
    if seccomp not in _SECCOMP_OK:
        problems.append(f"{name}: seccompProfile must be RuntimeDefault or Localhost (here or on the pod)")
    caps = sc.get("capabilities") or {}
    if "ALL" not in (caps.get("drop") or []):
        problems.append(f"{name}: capabilities must drop ALL")
    added = set(caps.get("add") or []) - {"NET_BIND_SERVICE"}
    if added:
        problems.append(f"{name}: capabilities may add only NET_BIND_SERVICE, not {sorted(added)}")
    return problems


def _lsm(owner: str, sc: dict[str, Any]) -> list[str]:
    """SELinux and AppArmor: only the container runtime's own confinement."""
    options = sc.get("seLinuxOptions") or {}
    problems = []
    apparmor = (sc.get("appArmorProfile") or {}).get("type")
    if apparmor not in (None, "RuntimeDefault", "Localhost"):
        problems.append(f"{owner}: appArmorProfile {apparmor} is not allowed")
    if options.get("type") not in _SELINUX_TYPES:
        problems.append(f"{owner}: seLinuxOptions.type {options.get('type')} is not allowed")
    if options.get("user") or options.get("role"):
        problems.append(f"{owner}: seLinuxOptions.user and role must not be set")
    return problems
