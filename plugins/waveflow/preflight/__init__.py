"""Checks run before any effort starts (the seed's Pre-Wave Checklist); each says what to fix when it fails."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    message: str
    detail: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'FAILED'}: {self.name}: {self.message}"
