"""`events_for_claims` returns each claim's events: its own, its links' `linked` events,
and its studies' changes seen while linked, whatever plan the database picks for the
query."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select, text

from db.engine import connect, transaction
from db.models import ClaimStudy, StudyEvent
from tracker.trials import LINKED_ID, events_for_claims

W48 = (datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))


def _expected(session: Any, claim_ids: list[str], start: Any, end: Any) -> list[tuple[Any, ...]]:
    """The definition, in Python over every stored link and event."""
    links = session.scalars(select(ClaimStudy)).all()
    linked: dict[str, list[tuple[str, datetime]]] = {}
    rows = []
    for link in links:
        linked.setdefault(link.nct_id, []).append((link.claim_id, link.first_linked_at))
        made = link.first_linked_at
        if link.claim_id in claim_ids and (start is None or start <= made < end):
            detail = {"topic_version": link.topic_version, "matched_on": link.matched_on}
            rows.append((LINKED_ID, link.claim_id, "linked", detail))
    for stored in session.scalars(select(StudyEvent)):
        if (start is not None and stored.observed_at < start) or (
            end is not None and stored.observed_at >= end
        ):
            continue
        if stored.claim_id is not None:
            concerned = [stored.claim_id] if stored.claim_id in claim_ids else []
        else:
            concerned = [
                claim_id
                for claim_id, since in linked.get(stored.nct_id, [])
                if claim_id in claim_ids and stored.observed_at >= since
            ]
        rows += [(stored.id, claim_id, stored.kind, stored.detail) for claim_id in concerned]
    return sorted(rows, key=lambda row: (row[0], row[1]))


def _returned(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(
        ((r["id"], r["claim_id"], r["kind"], r["detail"]) for r in rows),
        key=lambda row: (row[0], row[1]),
    )


def test_claim_events_are_each_claims_own_and_its_linked_studies_changes(
    digest_week: Callable[..., Any], database_url: str
) -> None:
    engine = connect(database_url)
    with transaction(engine) as session:
        everyone = list(session.scalars(text("SELECT id FROM claims")))
        shared = session.scalar(text("SELECT count(*) FROM study_events WHERE claim_id IS NULL"))
        assert shared
        assert len(everyone) >= 4
        for claim_ids in (everyone, everyone[:2], everyone[1:2]):
            for start, end in ((None, None), W48):
                rows = events_for_claims(session, claim_ids, start, end)
                expected = _expected(session, claim_ids, start, end)
                assert expected
                assert _returned(rows) == expected
    engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_the_link_of_each_event_is_found_by_its_study_and_the_new_links_by_time(
    digest_week: Callable[..., Any], database_url: str
) -> None:
    engine = connect(database_url)
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    with transaction(engine) as session:
        event.listen(engine, "before_cursor_execute", record)
        events_for_claims(session, [f"claim-{n}" for n in range(200)], *W48)
        event.remove(engine, "before_cursor_execute", record)
        plans = [
            row[-1]
            for statement, parameters in statements
            for row in session.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters
            )
        ]
    engine.dispose()
    probes = [step for step in plans if "claim_studies" in step]
    by_study = [step for step in probes if "first_linked_at" not in step]
    assert by_study
    assert all("(nct_id=?)" in step for step in by_study), plans
    assert [step for step in probes if "first_linked_at>?" in step], plans
