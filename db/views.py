"""The SQL views users query directly, described for SQLAlchemy.

They are created by migration 0002 and kept out of `Base.metadata`, so that schema
comparisons see tables only. `STATUS_GROUPS` and `EVIDENCE_LEVELS` name what the views
compute; a test keeps them and the view's SQL in agreement.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

VIEWS = MetaData()

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

claim_evidence_status = Table(
    "claim_evidence_status",
    VIEWS,
    Column("claim_id", String),
    Column("article_id", String),
    Column("claim_status", String),
    Column("trials_total", Integer),
    *(Column(group, Integer) for group in STATUS_GROUPS),
    Column("with_results", Integer),
    Column("highest_phase", String),
    Column("evidence_level", String),
    *(Column(column, Integer) for column in FLAG_COLUMNS.values()),
    Column("last_change", String),
    *(Column(tier, Integer) for tier in ("direct", "indirect", "background")),
    Column("excluded", Integer),
    Column("awaiting_screening", Integer),
    Column("min_relevance", String),
    Column("with_publications", Integer),
)
