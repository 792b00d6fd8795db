"""The sync: fetch each claim's studies, link them, record what changed, raise flags.

The names below are imported on first use: the digest and the read commands import
`tracker.sync.severity` and `flag_rules`, which need neither the client nor the registry's
HTTP library (a test checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.lazy import names_from

if TYPE_CHECKING:
    from tracker.sync.claim import ClaimPlan, ClaimResult
    from tracker.sync.run import SyncProgress, SyncReport, sync

_HOMES = {
    "ClaimPlan": "claim",
    "ClaimResult": "claim",
    "SyncProgress": "run",
    "SyncReport": "run",
    "sync": "run",
}

__all__ = ["ClaimPlan", "ClaimResult", "SyncProgress", "SyncReport", "sync"]


__getattr__ = names_from(__name__, _HOMES)
