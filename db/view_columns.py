"""What the SQL views compute, by name, for readers that do not load SQLAlchemy.

`db.views` describes the same views for SQLAlchemy from these names; a test keeps them
and the views' SQL in agreement.
"""

from __future__ import annotations

UNKNOWN_GROUP = "unknown"

STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "planned": ("NOT_YET_RECRUITING",),
    "ongoing": (
        "RECRUITING",
        "ACTIVE_NOT_RECRUITING",
        "ENROLLING_BY_INVITATION",
        "AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
    ),
    "completed": ("COMPLETED", "APPROVED_FOR_MARKETING", "NO_LONGER_AVAILABLE"),
    "stopped": ("TERMINATED", "WITHDRAWN", "SUSPENDED"),
    UNKNOWN_GROUP: (),
}
"""Overall statuses by group; any other status (UNKNOWN, WITHHELD, none) is `unknown`.
The one list: the counts' SQL (`db.trial_counts`) and the flag rules read it."""

EVIDENCE_LEVELS = (
    "no-trials",
    "planned-only",
    "ongoing",
    "completed-no-results",
    "results-available",
)
"""Weakest to strongest: the first group present among results, completed, ongoing,
planned decides; a claim with only stopped or unknown-status trials has `no-trials`."""

FLAG_COLUMNS = {
    "NEW_TRIAL": "open_new_trial",
    "TRIAL_COMPLETED": "open_trial_completed",
    "RESULTS_POSTED": "open_results_posted",
    "TRIAL_STOPPED": "open_trial_stopped",
    "OUTCOME_CHANGED": "open_outcome_changed",
    "RESULTS_PUBLISHED": "open_results_published",
    "RESULTS_OVERDUE": "open_results_overdue",
}

TIERS = ("direct", "indirect", "background")
"""The per-tier counts' columns (the values of `db.enums.Tier`)."""

STATUS_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "article_id",
    "claim_status",
    "trials_total",
    *STATUS_GROUPS,
    "with_results",
    "highest_phase",
    "evidence_level",
    *FLAG_COLUMNS.values(),
    "last_change",
    *TIERS,
    "excluded",
    "awaiting_screening",
    "min_relevance",
    "with_publications",
)
"""The columns of `claim_evidence_status`, in order."""

STATUS_TEXT_COLUMNS = frozenset(
    {"claim_id", "article_id", "claim_status", "highest_phase", "evidence_level"}
    | {"last_change", "min_relevance"}
)
"""Its columns holding text; the others are counts."""
