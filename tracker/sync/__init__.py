"""The sync: fetch each claim's studies, link them, record what changed, raise flags."""

from tracker.sync.claim import ClaimPlan, ClaimResult
from tracker.sync.run import SyncProgress, SyncReport, sync

__all__ = ["ClaimPlan", "ClaimResult", "SyncProgress", "SyncReport", "sync"]
