"""Why an effort stops: bad inputs (exit 2, nothing attempted) or a failed step (exit 1, result written)."""

from __future__ import annotations


class InvalidInput(ValueError):
    """The inputs cannot describe an effort (missing, malformed, unsafe); nothing was attempted."""


# Steps whose failures a retry may cure: the remote unreachable or moved meanwhile, the notes ref raced.
TRANSIENT_STEPS = frozenset({"fetch", "push", "record"})


class StepFailed(Exception):
    """A step of the effort failed; `step` names it in the result (`fetch`, `merge`, `implement`, `test`, `push`...).

    `transient` says whether a retry may help; by default, whether the step talks to the remote."""

    def __init__(self, step: str, reason: str, transient: bool | None = None) -> None:
        super().__init__(reason)
        self.step = step
        self.reason = reason
        self.transient = step in TRANSIENT_STEPS if transient is None else transient
