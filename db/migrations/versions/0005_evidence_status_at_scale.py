"""Evidence status at scale: the view reads kept counts, and a covering flag index.

The view `claim_evidence_status` counted each claim's trials by joining every matching
link to its study, every time it was read. The counts now live in `claim_trial_counts`,
which the sync keeps (`db.trial_counts`); this migration fills it from the old view, and
the new view reads it, with the same columns and numbers. A new index covers what the view's
open-flag counts read, a flag's claim, acknowledgement and kind; it replaces the
(claim_id, acknowledged_at) index it extends.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PHASE_RANK_OF = """
    CASE highest_phase
        WHEN 'NA' THEN 0
        WHEN 'EARLY_PHASE1' THEN 1
        WHEN 'PHASE1' THEN 2
        WHEN 'PHASE2' THEN 3
        WHEN 'PHASE3' THEN 4
        WHEN 'PHASE4' THEN 5
    END"""
"""The rank back from the phase name the old view gave (ranks as in `db.enums`)."""

FILL_COUNTS = f"""
INSERT INTO claim_trial_counts (
    claim_id, trials_total, planned, ongoing, completed, stopped, unknown, with_results,
    phase_rank, last_change
)
SELECT
    claim_id, trials_total, planned, ongoing, completed, stopped, unknown, with_results,
    {PHASE_RANK_OF}, last_change
FROM claim_evidence_status
WHERE trials_total > 0
"""
"""The counts as the view still computes them from the links: the same numbers after."""

VIEW_ON_COUNTS = """
CREATE VIEW claim_evidence_status AS
WITH flag_counts AS (
    SELECT
        claim_id,
        SUM(CASE WHEN kind = 'NEW_TRIAL' THEN 1 ELSE 0 END) AS open_new_trial,
        SUM(CASE WHEN kind = 'TRIAL_COMPLETED' THEN 1 ELSE 0 END) AS open_trial_completed,
        SUM(CASE WHEN kind = 'RESULTS_POSTED' THEN 1 ELSE 0 END) AS open_results_posted,
        SUM(CASE WHEN kind = 'TRIAL_STOPPED' THEN 1 ELSE 0 END) AS open_trial_stopped
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
        WHEN COALESCE(t.with_results, 0) > 0 THEN 'results-available'
        WHEN COALESCE(t.completed, 0) > 0 THEN 'completed-no-results'
        WHEN COALESCE(t.ongoing, 0) > 0 THEN 'ongoing'
        WHEN COALESCE(t.planned, 0) > 0 THEN 'planned-only'
        ELSE 'no-trials'
    END AS evidence_level,
    COALESCE(f.open_new_trial, 0) AS open_new_trial,
    COALESCE(f.open_trial_completed, 0) AS open_trial_completed,
    COALESCE(f.open_results_posted, 0) AS open_results_posted,
    COALESCE(f.open_trial_stopped, 0) AS open_trial_stopped,
    t.last_change
FROM claims
LEFT JOIN claim_trial_counts AS t ON t.claim_id = claims.id
LEFT JOIN flag_counts AS f ON f.claim_id = claims.id
"""


def _view_on_links() -> str:
    """The view as migration 0002 made it, for the downgrade (landed, so it never changes)."""
    return str(context.script.get_revision("0002").module.CLAIM_EVIDENCE_STATUS)


def upgrade() -> None:
    op.create_table(
        "claim_trial_counts",
        sa.Column("claim_id", sa.String(length=100), nullable=False),
        sa.Column("trials_total", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("ongoing", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("stopped", sa.Integer(), nullable=False),
        sa.Column("unknown", sa.Integer(), nullable=False),
        sa.Column("with_results", sa.Integer(), nullable=False),
        sa.Column("phase_rank", sa.Integer(), nullable=True),
        sa.Column("last_change", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_trial_counts_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_trial_counts")),
    )
    op.create_index(
        op.f("ix_flags_claim_id_acknowledged_at_kind"),
        "flags",
        ["claim_id", "acknowledged_at", "kind"],
    )
    op.drop_index(op.f("ix_flags_claim_id_acknowledged_at"), table_name="flags")
    op.execute(FILL_COUNTS)
    op.execute("DROP VIEW claim_evidence_status")
    op.execute(VIEW_ON_COUNTS)


def downgrade() -> None:
    op.execute("DROP VIEW claim_evidence_status")
    op.execute(_view_on_links())
    op.create_index(
        op.f("ix_flags_claim_id_acknowledged_at"), "flags", ["claim_id", "acknowledged_at"]
    )
    op.drop_index(op.f("ix_flags_claim_id_acknowledged_at_kind"), table_name="flags")
    op.drop_table("claim_trial_counts")
