"""What the tracker stores, as SQLAlchemy 2.x typed models.

The schema itself is built by the Alembic migrations in `db/migrations`; a test checks
that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.enums import ClaimStatus, Decision, FlagKind, RunOutcome, Severity, Tier, sql_in
from db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(100)
NCT_ID = String(16)
PARTIAL_DATE = String(10)
CODE = String(40)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        date: Date(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
        list[dict[str, Any]]: JSON(),
    }


class Article(Base):
    """A published article whose claims are tracked; one claim file each."""

    __tablename__ = "articles"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None]
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    claims: Mapped[list[Claim]] = relationship(back_populates="article", order_by="Claim.position")


class Claim(Base):
    """A claim an article makes, searched for as a topic.

    `as_of` is the effective date flags compare with: the claim's own `as_of`, else the
    article's publication date, else the day the claim was first loaded.
    """

    __tablename__ = "claims"
    __table_args__ = (CheckConstraint(f"status IN {sql_in(ClaimStatus)}", name="status"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date]
    as_of_declared: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=ClaimStatus.ACTIVE)
    min_relevance: Mapped[str] = mapped_column(
        String(16), default=Tier.DIRECT, server_default=Tier.DIRECT.value
    )
    """The lowest relevance tier whose trials count and raise flags without screening."""
    topic_version: Mapped[int] = mapped_column(Integer)
    first_loaded_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]

    article: Mapped[Article] = relationship(back_populates="claims")
    topics: Mapped[list[ClaimTopic]] = relationship(
        back_populates="claim", order_by="ClaimTopic.version"
    )

    @property
    def topic(self) -> ClaimTopic:
        """The current version of the claim's topic."""
        return next(t for t in reversed(self.topics) if t.version == self.topic_version)


class ClaimTopic(Base):
    """One version of a claim's search topic; links say which version found them."""

    __tablename__ = "claim_topics"

    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    conditions: Mapped[list[str]]
    interventions: Mapped[list[str]]
    terms: Mapped[list[str]]
    study_types: Mapped[list[str]]
    nct_ids: Mapped[list[str]] = mapped_column(default=list, server_default=text("'[]'"))
    created_at: Mapped[datetime]
    exclude: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    """Phrases searched with `NOT`, by kind: `conditions`, `interventions`, `terms`."""
    phases: Mapped[list[str]] = mapped_column(default=list, server_default=text("'[]'"))

    claim: Mapped[Claim] = relationship(back_populates="topics")


class Study(Base):
    """A ClinicalTrials.gov study as last fetched, stored once however many claims it matches.

    Registry dates keep their precision as text (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    """

    __tablename__ = "studies"

    nct_id: Mapped[str] = mapped_column(NCT_ID, primary_key=True)
    brief_title: Mapped[str | None] = mapped_column(Text)
    official_title: Mapped[str | None] = mapped_column(Text)
    acronym: Mapped[str | None] = mapped_column(Text)
    overall_status: Mapped[str | None] = mapped_column(CODE)
    last_known_status: Mapped[str | None] = mapped_column(CODE)
    why_stopped: Mapped[str | None] = mapped_column(Text)
    phases: Mapped[list[str]]
    phase_rank: Mapped[int | None] = mapped_column(SmallInteger)
    study_type: Mapped[str | None] = mapped_column(CODE)
    conditions: Mapped[list[str]]
    keywords: Mapped[list[str]]
    interventions: Mapped[list[dict[str, Any]]]
    lead_sponsor: Mapped[str | None] = mapped_column(Text)
    enrollment: Mapped[int | None] = mapped_column(Integer)
    enrollment_type: Mapped[str | None] = mapped_column(CODE)
    start_date: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    start_date_type: Mapped[str | None] = mapped_column(CODE)
    primary_completion_date: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    primary_completion_date_type: Mapped[str | None] = mapped_column(CODE)
    completion_date: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    completion_date_type: Mapped[str | None] = mapped_column(CODE)
    first_posted: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    results_first_posted: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    last_update_posted: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    has_results: Mapped[bool]
    has_publication: Mapped[bool] = mapped_column(default=False, server_default=false())
    """A RESULT reference with a PMID: the trial's results are published."""
    fields_version: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    """`tracker.sync.study_rows.FIELDS_VERSION` of the code that stored the row."""
    status_verified_date: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    nct_id_aliases: Mapped[list[str]] = mapped_column(server_default=text("'[]'"))
    brief_summary: Mapped[str | None] = mapped_column(Text)
    arm_groups: Mapped[list[dict[str, Any]]] = mapped_column(server_default=text("'[]'"))
    primary_outcomes: Mapped[list[dict[str, Any]]] = mapped_column(server_default=text("'[]'"))
    design: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'"))
    mesh: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'"))
    study_references: Mapped[list[dict[str, Any]]] = mapped_column(server_default=text("'[]'"))
    record_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ClaimStudy(Base):
    """The link between a claim and a study its topic found.

    `matched_on` lists which of the topic's conditions, interventions and terms appear in
    the study's own fields (empty lists when only the registry's synonyms matched);
    `topic_version` is the topic version whose search last returned the study. A study a
    full sync no longer finds is kept with `is_matching` false. `relevance_*` say how the
    study bears on the claim (`tracker.relevance`; null until a sync has judged it), and
    `screening` is a person's latest decision (`screening_decisions` keeps them all).
    `first_linked_at` is also the link's `linked` event (no `study_events` row holds it).
    """

    __tablename__ = "claim_studies"
    __table_args__ = (Index(None, "first_linked_at", "claim_id", "nct_id"),)

    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    nct_id: Mapped[str] = mapped_column(ForeignKey("studies.nct_id"), primary_key=True, index=True)
    topic_version: Mapped[int] = mapped_column(Integer)
    matched_on: Mapped[dict[str, Any]]
    is_matching: Mapped[bool]
    first_linked_at: Mapped[datetime]
    unmatched_at: Mapped[datetime | None]
    relevance_tier: Mapped[str | None] = mapped_column(String(16))
    relevance_score: Mapped[float | None] = mapped_column(Float)
    relevance_reasons: Mapped[list[dict[str, Any]]] = mapped_column(
        default=list, server_default=text("'[]'")
    )
    screening: Mapped[str | None] = mapped_column(String(16))


class ScreeningDecision(Base):
    """A person's decision to include or exclude a linked study; the newest one holds."""

    __tablename__ = "screening_decisions"
    __table_args__ = (
        CheckConstraint(f"decision IN {sql_in(Decision)}", name="decision"),
        ForeignKeyConstraint(
            ["claim_id", "nct_id"], ["claim_studies.claim_id", "claim_studies.nct_id"]
        ),
        Index(None, "claim_id", "nct_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ID)
    nct_id: Mapped[str] = mapped_column(NCT_ID)
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]


class StudyEvent(Base):
    """A dated change a sync saw (kinds in `db.enums.EventKind`).

    `observed_at` is when the tracker saw it; `effective_on` is the registry's date for it
    (the study's last-update-posted date in the version that showed the change).
    """

    __tablename__ = "study_events"
    __table_args__ = (
        Index(None, "claim_id", "observed_at"),
        Index(None, "nct_id", "observed_at"),
        Index(None, "observed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id"))
    nct_id: Mapped[str] = mapped_column(ForeignKey("studies.nct_id"))
    claim_id: Mapped[str | None] = mapped_column(ForeignKey("claims.id"))
    kind: Mapped[str] = mapped_column(CODE)
    observed_at: Mapped[datetime]
    effective_on: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    detail: Mapped[dict[str, Any]]
    severity: Mapped[str] = mapped_column(
        String(16), default=Severity.MINOR, server_default=Severity.MINOR.value
    )
    """`critical`, `notable` or `minor` (`tracker.sync.severity`)."""


class Flag(Base):
    """A reason for a claim to be looked at again; open until acknowledged.

    `effective_on` is the registry's date for what the flag reports (first posted,
    completed, results posted, stopped), when it gives one.
    """

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("claim_id", "nct_id", "kind"),
        CheckConstraint(f"kind IN {sql_in(FlagKind)}", name="kind"),
        ForeignKeyConstraint(
            ["claim_id", "nct_id"], ["claim_studies.claim_id", "claim_studies.nct_id"]
        ),
        Index(None, "raised_at"),
        Index(None, "claim_id", "acknowledged_at", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ID)
    nct_id: Mapped[str] = mapped_column(NCT_ID)
    kind: Mapped[str] = mapped_column(CODE)
    reason: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    raised_at: Mapped[datetime]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id"))
    acknowledged_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class SyncRun(Base):
    """One run of `tracker sync`: when, how it ended, and what it did."""

    __tablename__ = "sync_runs"
    __table_args__ = (CheckConstraint(f"outcome IN {sql_in(RunOutcome)}", name="outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(16), default=RunOutcome.RUNNING)
    full: Mapped[bool]
    data_timestamp: Mapped[str | None] = mapped_column(String(40))
    claims_total: Mapped[int] = mapped_column(Integer, default=0)
    claims_synced: Mapped[int] = mapped_column(Integer, default=0)
    claims_failed: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    studies_fetched: Mapped[int] = mapped_column(Integer, default=0)
    links_created: Mapped[int] = mapped_column(Integer, default=0)
    events_created: Mapped[int] = mapped_column(Integer, default=0)
    flags_created: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[dict[str, Any]]]
    api_url: Mapped[str | None] = mapped_column(Text)
    studies_skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(
        default=list, server_default=text("'[]'")
    )


class ClaimTrialCounts(Base):
    """A claim's matching trials counted by status group: what the evidence-status view
    reads, kept by the sync (`db.trial_counts`) so that the view need not join every link
    to its study. The status groups count the trials that count for the claim (see
    `db.trial_counts`); `direct` … `awaiting_screening` count every matching link. A claim
    without matching links has no row."""

    __tablename__ = "claim_trial_counts"

    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    trials_total: Mapped[int] = mapped_column(Integer)
    planned: Mapped[int] = mapped_column(Integer)
    ongoing: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    stopped: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)
    with_results: Mapped[int] = mapped_column(Integer)
    with_publications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    phase_rank: Mapped[int | None] = mapped_column(Integer)
    last_change: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    direct: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    indirect: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    background: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    excluded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    awaiting_screening: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ClaimSyncState(Base):
    """A claim's bookmark: where its next incremental sync starts.

    Written in the same transaction as the claim's changes, so it never runs ahead of them.
    `topic_version` and `as_of` say what the last sync searched for and judged flags by:
    when the claim's differ, its next sync starts over in full.
    """

    __tablename__ = "claim_sync_states"

    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), primary_key=True)
    topic_version: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date]
    watermark: Mapped[date]
    data_timestamp: Mapped[str | None] = mapped_column(String(40))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id"))
    synced_at: Mapped[datetime]
    full_synced_at: Mapped[datetime]


class RegistryBinding(Base):
    """The registry a database syncs against (one row): bookmarks are only valid there."""

    __tablename__ = "registry_binding"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    api_url: Mapped[str] = mapped_column(Text)
    bound_at: Mapped[datetime]


class DigestDelivery(Base):
    """A weekly digest that was mailed, so that a week is not sent twice by mistake."""

    __tablename__ = "digest_deliveries"

    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    sent_at: Mapped[datetime]
    recipients: Mapped[list[str]]


scheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
"""APScheduler's job store, as its `SQLAlchemyJobStore` defines it, made by our migrations
so that the scheduler never changes the schema itself."""
