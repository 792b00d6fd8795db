"""The sync: fetch each claim's studies, link them, record what changed, raise flags.

The names below are imported on first use: the digest and the read commands import
`tracker.sync.severity` and `flag_rules`, which need neither the client nor the registry's
HTTP library (a test checks)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.sync.claim import ClaimPlan, ClaimResult
    from tracker.sync.run import SyncProgress, SyncReport, sync

_HOMES = {
    "ClaimPlan": "tracker.sync.claim",
    "ClaimResult": "tracker.sync.claim",
    "SyncProgress": "tracker.sync.run",
    "SyncReport": "tracker.sync.run",
    "sync": "tracker.sync.run",
}

__all__ = ["ClaimPlan", "ClaimResult", "SyncProgress", "SyncReport", "sync"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
