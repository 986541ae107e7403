"""Test support for the `kubernetes` effort backend: a kubelet stand-in for kmock, pod rendering, profile checks."""
