"""The SQL views users query directly, described for SQLAlchemy.

They are created by migration 0002 and kept out of `Base.metadata`, so that schema
comparisons see tables only. What they compute is named in `db.view_columns` (re-exported
here); a test keeps those names and the view's SQL in agreement.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

from db.view_columns import (
    EVIDENCE_LEVELS,
    FLAG_COLUMNS,
    STATUS_COLUMNS,
    STATUS_GROUPS,
    STATUS_TEXT_COLUMNS,
    UNKNOWN_GROUP,
)

__all__ = [
    "EVIDENCE_LEVELS",
    "FLAG_COLUMNS",
    "STATUS_GROUPS",
    "UNKNOWN_GROUP",
    "VIEWS",
    "claim_evidence_status",
]

VIEWS = MetaData()

claim_evidence_status = Table(
    "claim_evidence_status",
    VIEWS,
    *(Column(name, String if name in STATUS_TEXT_COLUMNS else Integer) for name in STATUS_COLUMNS),
)
