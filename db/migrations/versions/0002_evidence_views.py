"""Views for users' SQL: each claim's evidence status, and the open flags.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CLAIM_EVIDENCE_STATUS = """
CREATE VIEW claim_evidence_status AS
WITH trials AS (
    SELECT
        links.claim_id,
        CASE
            WHEN studies.overall_status = 'NOT_YET_RECRUITING' THEN 'planned'
            WHEN studies.overall_status IN ('RECRUITING', 'ACTIVE_NOT_RECRUITING',
                'ENROLLING_BY_INVITATION', 'AVAILABLE', 'TEMPORARILY_NOT_AVAILABLE')
                THEN 'ongoing'
            WHEN studies.overall_status IN ('COMPLETED', 'APPROVED_FOR_MARKETING',
                'NO_LONGER_AVAILABLE') THEN 'completed'
            WHEN studies.overall_status IN ('TERMINATED', 'WITHDRAWN', 'SUSPENDED')
                THEN 'stopped'
            ELSE 'unknown'
        END AS status_group,
        CASE WHEN studies.has_results OR studies.results_first_posted IS NOT NULL
            THEN 1 ELSE 0 END AS with_results,
        studies.phase_rank,
        studies.last_update_posted
    FROM claim_studies AS links
    JOIN studies ON studies.nct_id = links.nct_id
    WHERE links.is_matching
),
trial_counts AS (
    SELECT
        claim_id,
        COUNT(*) AS trials_total,
        SUM(CASE WHEN status_group = 'planned' THEN 1 ELSE 0 END) AS planned,
        SUM(CASE WHEN status_group = 'ongoing' THEN 1 ELSE 0 END) AS ongoing,
        SUM(CASE WHEN status_group = 'completed' THEN 1 ELSE 0 END) AS completed,
        SUM(CASE WHEN status_group = 'stopped' THEN 1 ELSE 0 END) AS stopped,
        SUM(CASE WHEN status_group = 'unknown' THEN 1 ELSE 0 END) AS unknown,
        SUM(with_results) AS with_results,
        MAX(phase_rank) AS phase_rank,
        MAX(last_update_posted) AS last_change
    FROM trials
    GROUP BY claim_id
),
flag_counts AS (
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
LEFT JOIN trial_counts AS t ON t.claim_id = claims.id
LEFT JOIN flag_counts AS f ON f.claim_id = claims.id
"""

OPEN_FLAGS = """
CREATE VIEW open_flags AS
SELECT
    flags.id,
    flags.claim_id,
    flags.nct_id,
    flags.kind,
    flags.effective_on,
    flags.reason,
    flags.raised_at,
    studies.brief_title AS title,
    studies.overall_status
FROM flags
JOIN studies ON studies.nct_id = flags.nct_id
WHERE flags.acknowledged_at IS NULL
"""


def upgrade() -> None:
    op.execute(CLAIM_EVIDENCE_STATUS)
    op.execute(OPEN_FLAGS)
    op.create_index("ix_flags_claim_id_acknowledged_at", "flags", ["claim_id", "acknowledged_at"])


def downgrade() -> None:
    op.drop_index("ix_flags_claim_id_acknowledged_at", table_name="flags")
    op.execute("DROP VIEW open_flags")
    op.execute("DROP VIEW claim_evidence_status")
