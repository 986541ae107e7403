"""What an effort's pod is made of, read from the plan: namespace, labels, image, env, resources, time-out.

Plain functions over the plan model and Kubernetes client models; the operator itself is built in `kpo.py`.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from kubernetes.client import Configuration
from kubernetes.client import models as k8s

from waveflow.airflow.paths import PROJECT_ROOT
from waveflow.plan.model import Effort, Plan, Resources, slug
from waveflow.runner.contract import ENV_NAMES, POD_RESULT_PATH

LABEL_PLAN = "waveflow/plan"
LABEL_WAVE = "waveflow/wave"
LABEL_EFFORT = "waveflow/effort"
ANNOTATION_BRANCH = "waveflow/branch"

POD_TEMPLATE_ENV = "WAVEFLOW_POD_TEMPLATE"
# The runner clones into an emptyDir: the image's own filesystem may not be writable by the non-root user.
WORKSPACE_VOLUME = "workspace"
WORKSPACE_PATH = "/workspace"

_MAX_NAME = 63
_NOT_IN_LABEL_VALUE = re.compile(r"[^A-Za-z0-9_.-]")


def namespace_of(plan: Plan, effort: Effort) -> str:
    """The effort's own namespace; efforts without one share a namespace named after the plan."""
    return effort.namespace or f"waveflow-{slug(plan.name)}"[:_MAX_NAME].rstrip("-")


def label_value(text: str) -> str:
    """A valid label value that stays readable: invalid characters become `-`, then trimmed to 63."""
    return _NOT_IN_LABEL_VALUE.sub("-", text)[:_MAX_NAME].strip("-_.")


def pod_labels(plan: Plan, effort: Effort) -> dict[str, str]:
    # The plan's own labels first: the waveflow/ keys identify the pod and must not be overridden by them.
    labels = {key: label_value(value) for key, value in effort.labels.items()}
    labels[LABEL_PLAN] = label_value(plan.name)
    labels[LABEL_WAVE] = str(effort.wave)
    labels[LABEL_EFFORT] = label_value(effort.id)
    return labels


def pod_annotations(plan: Plan, effort: Effort) -> dict[str, str]:
    # Branch names hold `/`, which label values cannot; an annotation keeps them greppable on the pod.
    return {ANNOTATION_BRANCH: plan.branch_of(effort)}


def image_template(plan: Plan, effort: Effort) -> str:
    """The `image` run param wins; the effort's image, its agent profile's, then the plan's default, otherwise."""
    profile = plan.profile_of(effort)
    default = effort.image or (profile[1].image if profile else None) or plan.defaults.image
    return "{{ params.get('image') or " + json.dumps(default) + " }}"


def pod_env(env: dict[str, str], namespace: str) -> dict[str, str]:
    """The runner's env with what only a pod knows: pod mode, the xcom result path, the workspace volume."""
    pod = dict(env)
    pod[ENV_NAMES["mode"]] = "pod"
    pod[ENV_NAMES["result_path"]] = POD_RESULT_PATH
    pod[ENV_NAMES["workspace"]] = WORKSPACE_PATH
    if not pod.get(ENV_NAMES["namespace"]):
        pod[ENV_NAMES["namespace"]] = namespace
    # An arbitrary uid has no home directory in the image; git wants a writable one for its config.
    pod["HOME"] = WORKSPACE_PATH
    return pod


@functools.cache
def _model_config() -> Configuration:
    """One client configuration for the models built per effort: given none, each model deep-copies the default one,
    which was most of the cost of building a thousand effort tasks."""
    return Configuration()


def git_credentials(plan: Plan) -> list[k8s.V1EnvFromSource]:
    """Every key of the plan's Secret becomes an env var of the runner; no credential value is ever in the DAG."""
    config = _model_config()
    source = k8s.V1SecretEnvSource(name=plan.git_secret, local_vars_configuration=config)
    return [k8s.V1EnvFromSource(secret_ref=source, local_vars_configuration=config)]


@functools.cache  # shared, never mutated: see pod_security.pod_security_context
def workspace_volume() -> tuple[k8s.V1Volume, k8s.V1VolumeMount]:
    return (
        k8s.V1Volume(name=WORKSPACE_VOLUME, empty_dir=k8s.V1EmptyDirVolumeSource()),
        k8s.V1VolumeMount(name=WORKSPACE_VOLUME, mount_path=WORKSPACE_PATH),
    )


def container_resources(plan: Plan, effort: Effort) -> k8s.V1ResourceRequirements:
    """Field by field: what the effort sets, else the plan's default."""
    own = effort.resources or Resources()
    base = plan.defaults.resources

    def pick(field: str) -> str | None:
        value = getattr(own, field)
        return value if value is not None else getattr(base, field)

    requests = {k: v for k, v in (("cpu", pick("cpu")), ("memory", pick("memory"))) if v}
    limits = {k: v for k, v in (("cpu", pick("cpu_limit")), ("memory", pick("memory_limit"))) if v}
    return k8s.V1ResourceRequirements(
        requests=requests or None, limits=limits or None, local_vars_configuration=_model_config()
    )


def pod_template_file() -> str | None:
    """`WAVEFLOW_POD_TEMPLATE`: a pod template merged under every effort pod (node selectors, tolerations...).

    Checked at parse time so a wrong path shows up as an import error of the DAG, not as a failure of every task.
    """
    value = os.environ.get(POD_TEMPLATE_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    if not path.is_file():
        raise FileNotFoundError(f"{POD_TEMPLATE_ENV}={value}: no such pod template file ({path})")
    return str(path)
