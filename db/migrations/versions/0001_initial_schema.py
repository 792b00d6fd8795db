"""Initial schema: articles, claims and their topics, studies, links, events, flags, sync runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(length=100)
NCT_ID = sa.String(length=16)
PARTIAL_DATE = sa.String(length=10)
CODE = sa.String(length=40)


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _create_catalog() -> None:
    op.create_table(
        "articles",
        sa.Column("id", ID, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        _moment("created_at"),
        _moment("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
    )
    op.create_table(
        "claims",
        sa.Column("id", ID, nullable=False),
        sa.Column("article_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("as_of_declared", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("topic_version", sa.Integer(), nullable=False),
        _moment("first_loaded_at"),
        _moment("updated_at"),
        _moment("retired_at", nullable=True),
        sa.CheckConstraint("status IN ('active', 'retired')", name=op.f("ck_claims_status")),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_claims_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
    )
    op.create_index(op.f("ix_claims_article_id"), "claims", ["article_id"])
    op.create_table(
        "claim_topics",
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("interventions", sa.JSON(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("study_types", sa.JSON(), nullable=False),
        _moment("created_at"),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_topics_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("claim_id", "version", name=op.f("pk_claim_topics")),
    )


def _create_studies() -> None:
    op.create_table(
        "studies",
        sa.Column("nct_id", NCT_ID, nullable=False),
        sa.Column("brief_title", sa.Text(), nullable=True),
        sa.Column("official_title", sa.Text(), nullable=True),
        sa.Column("acronym", sa.Text(), nullable=True),
        sa.Column("overall_status", CODE, nullable=True),
        sa.Column("last_known_status", CODE, nullable=True),
        sa.Column("why_stopped", sa.Text(), nullable=True),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("phase_rank", sa.SmallInteger(), nullable=True),
        sa.Column("study_type", CODE, nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("interventions", sa.JSON(), nullable=False),
        sa.Column("lead_sponsor", sa.Text(), nullable=True),
        sa.Column("enrollment", sa.Integer(), nullable=True),
        sa.Column("enrollment_type", CODE, nullable=True),
        sa.Column("start_date", PARTIAL_DATE, nullable=True),
        sa.Column("start_date_type", CODE, nullable=True),
        sa.Column("primary_completion_date", PARTIAL_DATE, nullable=True),
        sa.Column("primary_completion_date_type", CODE, nullable=True),
        sa.Column("completion_date", PARTIAL_DATE, nullable=True),
        sa.Column("completion_date_type", CODE, nullable=True),
        sa.Column("first_posted", PARTIAL_DATE, nullable=True),
        sa.Column("results_first_posted", PARTIAL_DATE, nullable=True),
        sa.Column("last_update_posted", PARTIAL_DATE, nullable=True),
        sa.Column("has_results", sa.Boolean(), nullable=False),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        _moment("first_seen_at"),
        _moment("updated_at"),
        sa.PrimaryKeyConstraint("nct_id", name=op.f("pk_studies")),
    )
    op.create_table(
        "claim_studies",
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("nct_id", NCT_ID, nullable=False),
        sa.Column("topic_version", sa.Integer(), nullable=False),
        sa.Column("matched_on", sa.JSON(), nullable=False),
        sa.Column("is_matching", sa.Boolean(), nullable=False),
        _moment("first_linked_at"),
        _moment("unmatched_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_studies_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["nct_id"], ["studies.nct_id"], name=op.f("fk_claim_studies_nct_id_studies")
        ),
        sa.PrimaryKeyConstraint("claim_id", "nct_id", name=op.f("pk_claim_studies")),
    )
    op.create_index(op.f("ix_claim_studies_nct_id"), "claim_studies", ["nct_id"])


def _create_sync_records() -> None:
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _moment("started_at"),
        _moment("finished_at", nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("data_timestamp", sa.String(length=40), nullable=True),
        sa.Column("claims_total", sa.Integer(), nullable=False),
        sa.Column("claims_synced", sa.Integer(), nullable=False),
        sa.Column("claims_failed", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("studies_fetched", sa.Integer(), nullable=False),
        sa.Column("links_created", sa.Integer(), nullable=False),
        sa.Column("events_created", sa.Integer(), nullable=False),
        sa.Column("flags_created", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('running', 'succeeded', 'partial', 'failed', 'interrupted')",
            name=op.f("ck_sync_runs_outcome"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_table(
        "claim_sync_states",
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("topic_version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("watermark", sa.Date(), nullable=False),
        sa.Column("data_timestamp", sa.String(length=40), nullable=True),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        _moment("synced_at"),
        _moment("full_synced_at"),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_sync_states_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["last_run_id"],
            ["sync_runs.id"],
            name=op.f("fk_claim_sync_states_last_run_id_sync_runs"),
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_sync_states")),
    )


def _create_history() -> None:
    op.create_table(
        "study_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("nct_id", NCT_ID, nullable=False),
        sa.Column("claim_id", ID, nullable=True),
        sa.Column("kind", CODE, nullable=False),
        _moment("observed_at"),
        sa.Column("effective_on", PARTIAL_DATE, nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_study_events_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["nct_id"], ["studies.nct_id"], name=op.f("fk_study_events_nct_id_studies")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sync_runs.id"], name=op.f("fk_study_events_run_id_sync_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_events")),
    )
    op.create_index(
        op.f("ix_study_events_claim_id_observed_at"), "study_events", ["claim_id", "observed_at"]
    )
    op.create_index(
        op.f("ix_study_events_nct_id_observed_at"), "study_events", ["nct_id", "observed_at"]
    )
    op.create_index(op.f("ix_study_events_observed_at"), "study_events", ["observed_at"])
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("nct_id", NCT_ID, nullable=False),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("effective_on", PARTIAL_DATE, nullable=True),
        _moment("raised_at"),
        sa.Column("run_id", sa.Integer(), nullable=True),
        _moment("acknowledged_at", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('NEW_TRIAL', 'TRIAL_COMPLETED', 'RESULTS_POSTED', 'TRIAL_STOPPED')",
            name=op.f("ck_flags_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id", "nct_id"],
            ["claim_studies.claim_id", "claim_studies.nct_id"],
            name=op.f("fk_flags_claim_id_claim_studies"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sync_runs.id"], name=op.f("fk_flags_run_id_sync_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
        sa.UniqueConstraint(
            "claim_id", "nct_id", "kind", name=op.f("uq_flags_claim_id_nct_id_kind")
        ),
    )
    op.create_index(op.f("ix_flags_raised_at"), "flags", ["raised_at"])


def upgrade() -> None:
    _create_catalog()
    _create_studies()
    _create_sync_records()
    _create_history()


def downgrade() -> None:
    for table in (
        "flags",
        "study_events",
        "claim_sync_states",
        "sync_runs",
        "claim_studies",
        "studies",
        "claim_topics",
        "claims",
        "articles",
    ):
        op.drop_table(table)
