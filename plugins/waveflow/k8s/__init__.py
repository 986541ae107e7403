"""Kubernetes manifests for a plan's effort namespaces: labels, RBAC for Airflow, network policies, quotas.

No Airflow import: `waveflow k8s PLAN` runs wherever the package is installed, and the manifests are plain dicts.
"""
