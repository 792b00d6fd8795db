"""Covering indexes for the evidence-status view, so it reads no table rows.

The view joins every matching link to its study and counts flags per claim. With these
indexes SQLite answers it from the indexes alone: a link's claim, match state and study;
a study's status, results, phase and last update; a flag's claim, acknowledgement and
kind. The last replaces the (claim_id, acknowledged_at) index it extends.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

STUDY_SUMMARY = [
    "nct_id",
    "overall_status",
    "has_results",
    "results_first_posted",
    "phase_rank",
    "last_update_posted",
]


def upgrade() -> None:
    op.create_index(
        op.f("ix_claim_studies_claim_id_is_matching_nct_id"),
        "claim_studies",
        ["claim_id", "is_matching", "nct_id"],
    )
    op.create_index("ix_studies_evidence_summary", "studies", STUDY_SUMMARY)
    op.create_index(
        op.f("ix_flags_claim_id_acknowledged_at_kind"),
        "flags",
        ["claim_id", "acknowledged_at", "kind"],
    )
    op.drop_index(op.f("ix_flags_claim_id_acknowledged_at"), table_name="flags")


def downgrade() -> None:
    op.create_index(
        op.f("ix_flags_claim_id_acknowledged_at"), "flags", ["claim_id", "acknowledged_at"]
    )
    op.drop_index(op.f("ix_flags_claim_id_acknowledged_at_kind"), table_name="flags")
    op.drop_index("ix_studies_evidence_summary", table_name="studies")
    op.drop_index(op.f("ix_claim_studies_claim_id_is_matching_nct_id"), table_name="claim_studies")
