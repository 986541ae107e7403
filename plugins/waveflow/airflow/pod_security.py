"""Security contexts that let effort pods run in namespaces enforcing the Pod Security *restricted* profile.

The profile (https://kubernetes.io/docs/concepts/security/pod-security-standards/) wants: non-root, a non-zero user,
no privilege escalation, every capability dropped, seccomp `RuntimeDefault` (or `Localhost`). The pod-level context
covers every container, including the provider's xcom sidecar; the container-level contexts repeat it because
`allowPrivilegeEscalation` and `capabilities` exist only per container, and a pod template may add containers.
"""

from __future__ import annotations

import functools
from typing import Any

from kubernetes.client import models as k8s

# The runner image's user (include/runner/Dockerfile). Any non-zero id passes the profile; pinning it here makes
# files in the workspace volume and the xcom volume owned by the same user in every container of the pod.
RUNNER_UID = 1000
RUNNER_GID = 1000


def _identity() -> dict[str, Any]:
    return {
        "run_as_non_root": True,
        "run_as_user": RUNNER_UID,
        "run_as_group": RUNNER_GID,
        "seccomp_profile": k8s.V1SeccompProfile(type="RuntimeDefault"),
    }


# Built once per process and shared by every effort's operator: a Kubernetes model object copies the client's whole
# configuration when it is made, which made these contexts a fifth of building a large plan's DAG. Nothing mutates them.
@functools.cache
def pod_security_context() -> k8s.V1PodSecurityContext:
    return k8s.V1PodSecurityContext(fs_group=RUNNER_GID, **_identity())


@functools.cache
def container_security_context() -> k8s.V1SecurityContext:
    """For the runner container and the xcom sidecar alike: the sidecar only sleeps, cats and kills its own shell."""
    return k8s.V1SecurityContext(
        allow_privilege_escalation=False, capabilities=k8s.V1Capabilities(drop=["ALL"]), **_identity()
    )
