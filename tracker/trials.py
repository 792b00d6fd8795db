"""The evidence behind a claim: its linked trials and their history.

Its status, counted over these trials, is read from the `claim_evidence_status` view
(`tracker.status`), so the command line, its CSV and users' own SQL agree by construction.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, select, type_coerce
from sqlalchemy.orm import Session

from claims.query import claim_record, get_claim
from db.dbapi import utc_datetime
from db.enums import EventKind, Severity
from db.models import ClaimStudy, Study, StudyEvent


def claim_with_trials(session: Session, claim_id: str, *, history: bool = False) -> dict[str, Any]:
    """A claim's record with its article and linked trials and, with `history`, their
    events (what `tracker claims show` prints)."""
    claim = get_claim(session, claim_id)
    article = claim.article
    record = claim_record(claim)
    record["article"] = {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "published": article.published,
    }
    record["trials"] = linked_trials(session, claim.id)
    if history:
        record["history"] = events_for_claims(session, [claim.id])
    return record


def linked_trials(session: Session, claim_id: str) -> list[dict[str, Any]]:
    """A claim's linked trials, most recently changed in the registry first."""
    rows = session.execute(
        select(Study, ClaimStudy)
        .join(ClaimStudy, ClaimStudy.nct_id == Study.nct_id)
        .where(ClaimStudy.claim_id == claim_id)
    )
    trials = [_trial(study, link) for study, link in rows]
    trials.sort(key=lambda t: t["nct_id"])
    trials.sort(key=lambda t: t["last_update_posted"] or "", reverse=True)
    return trials


def _trial(study: Study, link: ClaimStudy | None) -> dict[str, Any]:
    record = {
        "nct_id": study.nct_id,
        "title": study.brief_title,
        "status": study.overall_status,
        "phases": study.phases,
        "start_date": study.start_date,
        "primary_completion_date": study.primary_completion_date,
        "completion_date": study.completion_date,
        "completion_date_type": study.completion_date_type,
        "has_results": study.has_results or study.results_first_posted is not None,
        "results_first_posted": study.results_first_posted,
        "first_posted": study.first_posted,
        "last_update_posted": study.last_update_posted,
    }
    if link is not None:
        record["matched_on"] = link.matched_on
        record["still_matching"] = link.is_matching
        record["first_linked_at"] = link.first_linked_at
        record["topic_version"] = link.topic_version
    return record


def events_for_claims(
    session: Session,
    claim_ids: Sequence[str],
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    detail_of: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """Events concerning each claim, newest first, optionally observed in [start, end).

    A claim's events are those of its links (linked, unmatched, rematched) and the changes
    of its studies seen while they were linked to it; `claim_id` says which claim a row
    is for, so a study's change appears once per claim it concerns. A `linked` event is
    the link's own `first_linked_at` (`LINKED_ID` its id, ordered before the other events
    of its moment). With `detail_of`, only events of those kinds get their `detail`
    (others None): decoding every detail is most of the cost of a week with many events.
    """
    columns = (
        StudyEvent.nct_id,
        StudyEvent.kind,
        StudyEvent.observed_at,
        StudyEvent.effective_on,
        StudyEvent.severity,
        cast(StudyEvent.detail, Text).label("detail"),
    )
    own = select(StudyEvent.id, StudyEvent.claim_id, *columns).where(
        StudyEvent.claim_id.in_(claim_ids)
    )
    shared = (
        select(StudyEvent.id, ClaimStudy.claim_id, *columns)
        .join(ClaimStudy, ClaimStudy.nct_id == StudyEvent.nct_id)
        .where(
            StudyEvent.claim_id.is_(None),
            _unindexed(session, ClaimStudy.claim_id).in_(claim_ids),
            StudyEvent.observed_at >= ClaimStudy.first_linked_at,
        )
    )
    rows: list[dict[str, Any]] = []
    connection = session.connection()
    for query in (own, shared):
        if start is not None:
            query = query.where(StudyEvent.observed_at >= start)
        if end is not None:
            query = query.where(StudyEvent.observed_at < end)
        result = connection.execute(query)
        names = list(result.keys())
        rows += [dict(zip(names, row, strict=True)) for row in result.all()]
    for row in rows:
        wanted = detail_of is None or row["kind"] in detail_of
        row["detail"] = json.loads(row["detail"]) if wanted else None
    wanted = detail_of is None or EventKind.LINKED in detail_of
    rows += _linked_events(session, claim_ids, start, end, with_detail=wanted)
    rows.sort(key=lambda e: (e["observed_at"], e["id"]), reverse=True)
    return rows


LINKED_ID = 0
"""The `id` of a `linked` event, which has no `study_events` row (ids there start at 1)."""


def _linked_events(
    session: Session,
    claim_ids: Sequence[str],
    start: datetime | None,
    end: datetime | None,
    *,
    with_detail: bool,
) -> list[dict[str, Any]]:
    """Each link of the claims made in [start, end), as its `linked` event; its detail is
    the link's topic version and `matched_on` now. Within a window the links are found by
    the index on (first_linked_at, claim_id, nct_id) alone, without reading their rows;
    the time is read as the driver gives it and converted once per distinct value (a sync
    stamps a claim's links with one moment)."""
    claim = ClaimStudy.claim_id
    made = type_coerce(ClaimStudy.first_linked_at, Text)
    query = select(claim, ClaimStudy.nct_id, made).where(
        (claim if start is None else _unindexed(session, claim)).in_(claim_ids)
    )
    if with_detail:
        query = query.add_columns(ClaimStudy.topic_version, ClaimStudy.matched_on)
    if start is not None:
        query = query.where(ClaimStudy.first_linked_at >= start)
    if end is not None:
        query = query.where(ClaimStudy.first_linked_at < end)
    linked, minor = EventKind.LINKED.value, Severity.MINOR.value
    return [
        {
            "id": LINKED_ID,
            "claim_id": row[0],
            "nct_id": row[1],
            "kind": linked,
            "observed_at": utc_datetime(row[2]),
            "effective_on": None,
            "severity": minor,
            "detail": {"topic_version": row[3], "matched_on": row[4]} if with_detail else None,
        }
        for row in session.connection().execute(query).all()
    ]


def study_links(session: Session, nct_id: str) -> dict[str, Any] | None:
    """One study and every claim it is linked to, with the link's relevance and screening
    (None when no study has that id)."""
    study = session.get(Study, nct_id.strip().upper())
    if study is None:
        return None
    links = session.scalars(
        select(ClaimStudy).where(ClaimStudy.nct_id == study.nct_id).order_by(ClaimStudy.claim_id)
    )
    record = _trial(study, None)
    record["why_stopped"] = study.why_stopped
    record["lead_sponsor"] = study.lead_sponsor
    record["references"] = study.study_references
    record["claims"] = [
        {
            "claim_id": link.claim_id,
            "tier": link.relevance_tier,
            "screening": link.screening,
            "still_matching": link.is_matching,
            "first_linked_at": link.first_linked_at,
            "reasons": [reason["text"] for reason in link.relevance_reasons],
        }
        for link in links
    ]
    return record


def references_of(session: Session, claim_id: str) -> dict[str, list[dict[str, Any]]]:
    """The publications the registry lists for each study linked to the claim."""
    rows = session.execute(
        select(Study.nct_id, Study.study_references)
        .join(ClaimStudy, ClaimStudy.nct_id == Study.nct_id)
        .where(ClaimStudy.claim_id == claim_id)
    )
    return {nct_id: list(references or []) for nct_id, references in rows}


def _unindexed(session: Session, column: ColumnElement[str]) -> ColumnElement[str]:
    """`column` as SQLite may not look it up by index (`column || ''`): given a claim IN-list,
    its planner otherwise probes `claim_studies` by (claim_id, nct_id) once per listed claim
    for every event, where one probe by nct_id per event and a check of the list will do
    (23.1 s → 0.21 s at 5,000 claims, the same rows). PostgreSQL plans this itself."""
    if session.get_bind().dialect.name != "sqlite":
        return column
    return column.concat("")
