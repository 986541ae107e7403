"""Test harness for shelf's end-to-end, integration, performance and chaos suites."""

from .framework import Environment, wait_for_condition

__all__ = ["Environment", "wait_for_condition"]
