"""Trials a claim names: `claim_topics.nct_ids`, NCT ids linked whatever the search returns.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

A plain `ALTER TABLE` (no batch copy), like 0006: SQLite would otherwise rebuild the table
under the views that read it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "claim_topics",
        sa.Column("nct_ids", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    op.drop_column("claim_topics", "nct_ids")
