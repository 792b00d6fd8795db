"""Changes that matter to evidence: severities, new flags, results publications.

- `study_events.severity` (`critical`, `notable`, `minor`); events already stored are
  ranked here by the rules of this revision (frozen below, as a migration must be);
- `flags.kind` also allows OUTCOME_CHANGED, RESULTS_PUBLISHED and RESULTS_OVERDUE;
- `studies.has_publication` (a RESULT reference with a PMID) and `studies.fields_version`
  (0 for rows stored before arm groups, outcomes and references were compared);
- `claim_trial_counts.with_publications`; the view `claim_evidence_status` shows it, the
  open counts of the new flags, and counts a publication as results for the evidence level.

Every claim's bookmark is cleared, so that the next sync of each claim is a full one:
it rewrites every stored row once (the fields version is in the row's hash) and judges
every link for the new flags.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

SQLite rebuilds `flags` to change its CHECK constraint, which breaks the views that read
it: both views are dropped first and made again after.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_KINDS = ("NEW_TRIAL", "TRIAL_COMPLETED", "RESULTS_POSTED", "TRIAL_STOPPED")
NEW_KINDS = ("OUTCOME_CHANGED", "RESULTS_PUBLISHED", "RESULTS_OVERDUE")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


VIEW_WITH_PUBLICATIONS = """
CREATE VIEW claim_evidence_status AS
WITH flag_counts AS (
    SELECT
        claim_id,
        SUM(CASE WHEN kind = 'NEW_TRIAL' THEN 1 ELSE 0 END) AS open_new_trial,
        SUM(CASE WHEN kind = 'TRIAL_COMPLETED' THEN 1 ELSE 0 END) AS open_trial_completed,
        SUM(CASE WHEN kind = 'RESULTS_POSTED' THEN 1 ELSE 0 END) AS open_results_posted,
        SUM(CASE WHEN kind = 'TRIAL_STOPPED' THEN 1 ELSE 0 END) AS open_trial_stopped,
        SUM(CASE WHEN kind = 'OUTCOME_CHANGED' THEN 1 ELSE 0 END) AS open_outcome_changed,
        SUM(CASE WHEN kind = 'RESULTS_PUBLISHED' THEN 1 ELSE 0 END) AS open_results_published,
        SUM(CASE WHEN kind = 'RESULTS_OVERDUE' THEN 1 ELSE 0 END) AS open_results_overdue
    FROM flags
    WHERE acknowledged_at IS NULL
    GROUP BY claim_id
)
SELECT
    claims.id AS claim_id,
    claims.article_id,
    claims.status AS claim_status,
    COALESCE(t.trials_total, 0) AS trials_total,
    COALESCE(t.planned, 0) AS planned,
    COALESCE(t.ongoing, 0) AS ongoing,
    COALESCE(t.completed, 0) AS completed,
    COALESCE(t.stopped, 0) AS stopped,
    COALESCE(t.unknown, 0) AS unknown,
    COALESCE(t.with_results, 0) AS with_results,
    CASE t.phase_rank
        WHEN 0 THEN 'NA'
        WHEN 1 THEN 'EARLY_PHASE1'
        WHEN 2 THEN 'PHASE1'
        WHEN 3 THEN 'PHASE2'
        WHEN 4 THEN 'PHASE3'
        WHEN 5 THEN 'PHASE4'
    END AS highest_phase,
    CASE
        WHEN COALESCE(t.with_results, 0) > 0 OR COALESCE(t.with_publications, 0) > 0
            THEN 'results-available'
        WHEN COALESCE(t.completed, 0) > 0 THEN 'completed-no-results'
        WHEN COALESCE(t.ongoing, 0) > 0 THEN 'ongoing'
        WHEN COALESCE(t.planned, 0) > 0 THEN 'planned-only'
        ELSE 'no-trials'
    END AS evidence_level,
    COALESCE(f.open_new_trial, 0) AS open_new_trial,
    COALESCE(f.open_trial_completed, 0) AS open_trial_completed,
    COALESCE(f.open_results_posted, 0) AS open_results_posted,
    COALESCE(f.open_trial_stopped, 0) AS open_trial_stopped,
    t.last_change,
    COALESCE(t.direct, 0) AS direct,
    COALESCE(t.indirect, 0) AS indirect,
    COALESCE(t.background, 0) AS background,
    COALESCE(t.excluded, 0) AS excluded,
    COALESCE(t.awaiting_screening, 0) AS awaiting_screening,
    claims.min_relevance,
    COALESCE(t.with_publications, 0) AS with_publications,
    COALESCE(f.open_outcome_changed, 0) AS open_outcome_changed,
    COALESCE(f.open_results_published, 0) AS open_results_published,
    COALESCE(f.open_results_overdue, 0) AS open_results_overdue
FROM claims
LEFT JOIN claim_trial_counts AS t ON t.claim_id = claims.id
LEFT JOIN flag_counts AS f ON f.claim_id = claims.id
"""

FILL_PUBLICATIONS = """
UPDATE claim_trial_counts SET with_publications = (
    SELECT COUNT(*)
    FROM claim_studies AS links
    JOIN studies ON studies.nct_id = links.nct_id
    JOIN claims ON claims.id = links.claim_id
    WHERE links.claim_id = claim_trial_counts.claim_id
        AND links.is_matching AND studies.has_publication
        AND CASE
            WHEN links.screening = 'include' THEN 1
            WHEN links.screening = 'exclude' THEN 0
            WHEN links.relevance_tier IS NULL THEN 1
            WHEN (CASE links.relevance_tier WHEN 'direct' THEN 3 WHEN 'indirect' THEN 2
                    WHEN 'background' THEN 1 ELSE 0 END)
                >= (CASE claims.min_relevance WHEN 'direct' THEN 3 WHEN 'indirect' THEN 2
                    WHEN 'background' THEN 1 ELSE 0 END) THEN 1
            ELSE 0
        END = 1
)
"""
"""The trials with a results publication that count for each claim (db.trial_counts)."""

STOPPED = ("TERMINATED", "WITHDRAWN", "SUSPENDED")


def _severity_of_0008(kind: str, detail: dict[str, Any]) -> str:
    """The severity of an event kind stored before 0008, by the rules of 0008."""
    if kind == "status_changed":
        new = detail.get("new")
        return "critical" if new in STOPPED else "notable" if new == "COMPLETED" else "minor"
    if kind == "results_posted":
        return "notable"
    if kind == "dates_changed":
        shifts = []
        for change in detail.values():
            old, new = change["old"].get("date"), change["new"].get("date")
            if old and new and old[:4].isdigit() and new[:4].isdigit():
                shifts.append(abs(_first_day(new) - _first_day(old)))
        return "notable" if max(shifts, default=0) >= 90 else "minor"
    return "minor"


def _first_day(text: str) -> int:
    parts = [int(part) for part in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2]).toordinal()


def _rank_stored_events() -> None:
    db = op.get_bind()
    events = sa.table(
        "study_events",
        sa.column("id"),
        sa.column("kind"),
        sa.column("detail", sa.JSON()),
        sa.column("severity"),
    )
    ranked: dict[str, list[int]] = {"critical": [], "notable": []}
    rows = db.execute(
        sa.select(events.c.id, events.c.kind, events.c.detail).where(
            events.c.kind.in_(("status_changed", "results_posted", "dates_changed"))
        )
    )
    for row in rows:
        detail = row.detail if isinstance(row.detail, dict) else json.loads(row.detail)
        severity = _severity_of_0008(row.kind, detail)
        if severity in ranked:
            ranked[severity].append(row.id)
    for severity, ids in ranked.items():
        for start in range(0, len(ids), 5000):
            db.execute(
                sa.update(events)
                .where(events.c.id.in_(ids[start : start + 5000]))
                .values(severity=severity)
            )


def _mark_publications() -> None:
    db = op.get_bind()
    studies = sa.table(
        "studies",
        sa.column("nct_id"),
        sa.column("study_references", sa.JSON()),
        sa.column("has_publication", sa.Boolean()),
    )
    marked = []
    for row in db.execute(sa.select(studies.c.nct_id, studies.c.study_references)):
        references = row.study_references
        if isinstance(references, str):
            references = json.loads(references)
        if any(ref.get("type") == "RESULT" and ref.get("pmid") for ref in references or ()):
            marked.append(row.nct_id)
    for start in range(0, len(marked), 5000):
        db.execute(
            sa.update(studies)
            .where(studies.c.nct_id.in_(marked[start : start + 5000]))
            .values(has_publication=True)
        )


def _views_of(revision_id: str, *names: str) -> list[str]:
    module = context.script.get_revision(revision_id).module
    return [str(getattr(module, name)) for name in names]


def _set_flag_kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("flags") as batch:
        batch.drop_constraint(op.f("ck_flags_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_flags_kind"), _kinds(kinds))


def upgrade() -> None:
    op.execute("DROP VIEW claim_evidence_status")
    op.execute("DROP VIEW open_flags")
    op.add_column(
        "study_events",
        sa.Column("severity", sa.String(16), nullable=False, server_default="minor"),
    )
    op.add_column(
        "studies",
        sa.Column("has_publication", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "studies",
        sa.Column("fields_version", sa.SmallInteger(), nullable=False, server_default="0"),
    )
    op.add_column(
        "claim_trial_counts",
        sa.Column("with_publications", sa.Integer(), nullable=False, server_default="0"),
    )
    _set_flag_kinds(OLD_KINDS + NEW_KINDS)
    _rank_stored_events()
    _mark_publications()
    op.execute(FILL_PUBLICATIONS)
    op.execute("DELETE FROM claim_sync_states")
    op.execute(VIEW_WITH_PUBLICATIONS)
    op.execute(*_views_of("0002", "OPEN_FLAGS"))


def downgrade() -> None:
    op.execute("DROP VIEW claim_evidence_status")
    op.execute("DROP VIEW open_flags")
    op.execute("DELETE FROM flags WHERE " + _kinds(NEW_KINDS))
    _set_flag_kinds(OLD_KINDS)
    op.drop_column("claim_trial_counts", "with_publications")
    op.drop_column("studies", "fields_version")
    op.drop_column("studies", "has_publication")
    op.drop_column("study_events", "severity")
    for view in _views_of("0007", "VIEW_WITH_TIERS") + _views_of("0002", "OPEN_FLAGS"):
        op.execute(view)
