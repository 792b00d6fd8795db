"""Relevance and screening: which linked trials bear on the claim.

- `studies`: what relevance reads and issue-to-come diffs need, as the registry gives it:
  `brief_summary`, `arm_groups`, `primary_outcomes`, `design`, `mesh` (derived MeSH
  terms and ancestors of conditions and interventions) and `study_references`;
- `claim_studies`: `relevance_tier`, `relevance_score`, `relevance_reasons`, and
  `screening`, a person's latest decision; `screening_decisions` keeps every decision;
- `claims.min_relevance`; `claim_topics.exclude` and `phases`;
- `claim_trial_counts`: counts per tier, excluded, awaiting screening; the view
  `claim_evidence_status` shows them and the claim's `min_relevance`.

Stored studies lack the new fields, so every claim's bookmark is cleared: the next sync
of each claim is a full one, which fetches them and judges every link. Until then, links
without a tier count as they did before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Columns are added with plain `ALTER TABLE` (no batch copy): SQLite would otherwise
rebuild tables under the views that read them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STUDY_COLUMNS = {
    "arm_groups": "'[]'",
    "primary_outcomes": "'[]'",
    "design": "'{}'",
    "mesh": "'{}'",
    "study_references": "'[]'",
}
COUNT_COLUMNS = ("direct", "indirect", "background", "excluded", "awaiting_screening")

VIEW_WITH_TIERS = """
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
    t.last_change,
    COALESCE(t.direct, 0) AS direct,
    COALESCE(t.indirect, 0) AS indirect,
    COALESCE(t.background, 0) AS background,
    COALESCE(t.excluded, 0) AS excluded,
    COALESCE(t.awaiting_screening, 0) AS awaiting_screening,
    claims.min_relevance
FROM claims
LEFT JOIN claim_trial_counts AS t ON t.claim_id = claims.id
LEFT JOIN flag_counts AS f ON f.claim_id = claims.id
"""


def _view_of_0005() -> str:
    return str(context.script.get_revision("0005").module.VIEW_ON_COUNTS)


def _json(name: str, default: str) -> sa.Column[object]:
    return sa.Column(name, sa.JSON(), nullable=False, server_default=sa.text(default))


def upgrade() -> None:
    op.execute("DROP VIEW claim_evidence_status")
    op.add_column("studies", sa.Column("brief_summary", sa.Text(), nullable=True))
    for name, default in STUDY_COLUMNS.items():
        op.add_column("studies", _json(name, default))
    op.add_column("claim_studies", sa.Column("relevance_tier", sa.String(16), nullable=True))
    op.add_column("claim_studies", sa.Column("relevance_score", sa.Float(), nullable=True))
    op.add_column("claim_studies", _json("relevance_reasons", "'[]'"))
    op.add_column("claim_studies", sa.Column("screening", sa.String(16), nullable=True))
    op.add_column(
        "claims",
        sa.Column("min_relevance", sa.String(16), nullable=False, server_default="direct"),
    )
    op.add_column("claim_topics", _json("exclude", "'{}'"))
    op.add_column("claim_topics", _json("phases", "'[]'"))
    for name in COUNT_COLUMNS:
        op.add_column(
            "claim_trial_counts",
            sa.Column(name, sa.Integer(), nullable=False, server_default="0"),
        )
    op.create_table(
        "screening_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.String(length=100), nullable=False),
        sa.Column("nct_id", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('include', 'exclude')", name=op.f("ck_screening_decisions_decision")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id", "nct_id"],
            ["claim_studies.claim_id", "claim_studies.nct_id"],
            name=op.f("fk_screening_decisions_claim_id_claim_studies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_decisions")),
    )
    op.create_index(
        op.f("ix_screening_decisions_claim_id_nct_id"),
        "screening_decisions",
        ["claim_id", "nct_id"],
    )
    op.execute("DELETE FROM claim_sync_states")
    op.execute(VIEW_WITH_TIERS)


def downgrade() -> None:
    op.execute("DROP VIEW claim_evidence_status")
    op.drop_index(op.f("ix_screening_decisions_claim_id_nct_id"), table_name="screening_decisions")
    op.drop_table("screening_decisions")
    for name in COUNT_COLUMNS:
        op.drop_column("claim_trial_counts", name)
    for name in ("phases", "exclude"):
        op.drop_column("claim_topics", name)
    op.drop_column("claims", "min_relevance")
    for name in ("screening", "relevance_reasons", "relevance_score", "relevance_tier"):
        op.drop_column("claim_studies", name)
    for name in ("study_references", "mesh", "design", "primary_outcomes", "arm_groups"):
        op.drop_column("studies", name)
    op.drop_column("studies", "brief_summary")
    op.execute(_view_of_0005())
