"""Trust against the real registry: what a sync needs to never miss or invent a change.

- `registry_binding`: the API base URL a database syncs against (one row), so that a sync
  against another registry cannot continue incrementally from the first one's bookmarks;
- `studies.status_verified_date` (the registry can turn a study UNKNOWN without a new
  update date) and `studies.nct_id_aliases` (a merged record keeps its old ids there);
- `sync_runs.api_url`, `studies_skipped` (records that could not be stored) and
  `warnings` (walks that came up short of `totalCount`, and the like).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Columns are added with plain `ALTER TABLE` (no batch copy): SQLite would otherwise
rebuild `studies` under the views that read it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_binding",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("api_url", sa.Text(), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_registry_binding_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_binding")),
    )
    op.add_column("studies", sa.Column("status_verified_date", sa.String(10), nullable=True))
    op.add_column(
        "studies",
        sa.Column("nct_id_aliases", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.add_column("sync_runs", sa.Column("api_url", sa.Text(), nullable=True))
    op.add_column(
        "sync_runs",
        sa.Column("studies_skipped", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "sync_runs",
        sa.Column("warnings", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    for column in ("warnings", "studies_skipped", "api_url"):
        op.drop_column("sync_runs", column)
    for column in ("nct_id_aliases", "status_verified_date"):
        op.drop_column("studies", column)
    op.drop_table("registry_binding")
