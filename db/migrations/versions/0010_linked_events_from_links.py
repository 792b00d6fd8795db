"""A link's `linked` event is the link itself: `claim_studies.first_linked_at`.

A first sync wrote one `study_events` row per new link (a tenth of its time, and most of
an import week's events); readers now take the `linked` events from the links
(`tracker.trials.events_for_claims`). The rows already stored are deleted, and the links
are indexed by (first_linked_at, claim_id, nct_id): the digest finds a week's links in the
index alone.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

The downgrade writes the rows back from the links, with each link's current topic version
and `matched_on` as their detail.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEX = "ix_claim_studies_first_linked_at_claim_id_nct_id"


def upgrade() -> None:
    op.create_index(INDEX, "claim_studies", ["first_linked_at", "claim_id", "nct_id"])
    op.execute("DELETE FROM study_events WHERE kind = 'linked'")


def downgrade() -> None:
    links = sa.table(
        "claim_studies",
        sa.column("claim_id", sa.String),
        sa.column("nct_id", sa.String),
        sa.column("topic_version", sa.Integer),
        sa.column("matched_on", sa.JSON),
        sa.column("first_linked_at", sa.DateTime),
    )
    events = sa.table(
        "study_events",
        sa.column("nct_id", sa.String),
        sa.column("claim_id", sa.String),
        sa.column("kind", sa.String),
        sa.column("observed_at", sa.DateTime),
        sa.column("detail", sa.JSON),
        sa.column("severity", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(links).order_by(links.c.first_linked_at, links.c.claim_id, links.c.nct_id)
    )
    linked = [
        {
            "nct_id": row.nct_id,
            "claim_id": row.claim_id,
            "kind": "linked",
            "observed_at": row.first_linked_at,
            "detail": {"topic_version": row.topic_version, "matched_on": row.matched_on},
            "severity": "minor",
        }
        for row in rows
    ]
    if linked:
        connection.execute(sa.insert(events), linked)
    op.drop_index(INDEX, table_name="claim_studies")
