"""Record which weekly digests were mailed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_deliveries",
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("week", name=op.f("pk_digest_deliveries")),
    )


def downgrade() -> None:
    op.drop_table("digest_deliveries")
