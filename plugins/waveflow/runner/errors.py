"""Why an effort stops: bad inputs (exit 2, nothing attempted) or a failed step (exit 1, result written)."""

from __future__ import annotations


class InvalidInput(ValueError):
    """The inputs cannot describe an effort (missing, malformed, unsafe); nothing was attempted."""


class StepFailed(Exception):
    """A step of the effort failed; `step` names it in the result (`fetch`, `merge`, `implement`, `test`, `push`...)."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(reason)
        self.step = step
        self.reason = reason
