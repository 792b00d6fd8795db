"""A link is its own `linked` event: a sync writes no `study_events` row for it, the
history and the digest read it from `claim_studies.first_linked_at`, and migration 0010
turns the rows an older sync wrote into exactly that."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import test_sync_scenario as scenario
from conftest import Tracker
from scenarios import write_claims
from sqlalchemy import func, select

from db.engine import connect, transaction
from db.migrate import downgrade, upgrade
from db.models import ClaimStudy, StudyEvent
from tracker.fake_registry import FakeCtgov
from tracker.trials import events_for_claims


def _synced(tracker: Tracker, registry: FakeCtgov, tmp_path: Path) -> None:
    assert tracker("claims", "load", str(write_claims(tmp_path))).status == 0
    for day in (scenario.day_one, scenario.day_two, scenario.day_three):
        day(registry)
        assert tracker("sync").status == 0


def _history(database_url: str) -> list[dict[str, Any]]:
    engine = connect(database_url)
    with transaction(engine) as session:
        claims = list(session.scalars(select(ClaimStudy.claim_id).distinct()))
        history = events_for_claims(session, claims)
    engine.dispose()
    return history


def _stored(database_url: str, query: Any) -> list[Any]:
    engine = connect(database_url)
    with engine.connect() as connection:
        rows = list(connection.execute(query))
    engine.dispose()
    return rows


def test_a_sync_stores_no_linked_row_and_the_history_shows_each_link(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    _synced(tracker, registry, tmp_path)
    rows = _stored(database_url, select(func.count()).where(StudyEvent.kind == "linked"))
    assert rows == [(0,)]
    links = _stored(
        database_url,
        select(ClaimStudy.claim_id, ClaimStudy.nct_id, ClaimStudy.first_linked_at),
    )
    linked = [e for e in _history(database_url) if e["kind"] == "linked"]
    assert sorted((e["claim_id"], e["nct_id"], e["observed_at"]) for e in linked) == sorted(
        tuple(link) for link in links
    )
    assert {e["severity"] for e in linked} == {"minor"}
    shown = json.loads(tracker("claims", "show", "liver-msc", "--history", "--format", "json").out)
    assert sorted(e["nct_id"] for e in shown["history"] if e["kind"] == "linked") == sorted(
        nct_id for claim_id, nct_id, _ in links if claim_id == "liver-msc"
    )


def test_migrating_linked_rows_to_links_keeps_the_history_and_back(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    _synced(tracker, registry, tmp_path)
    before = _history(database_url)
    engine = connect(database_url)
    downgrade(engine, "0009")
    engine.dispose()
    rows = _stored(
        database_url,
        select(StudyEvent.claim_id, StudyEvent.nct_id, StudyEvent.observed_at).where(
            StudyEvent.kind == "linked"
        ),
    )
    links = _stored(
        database_url,
        select(ClaimStudy.claim_id, ClaimStudy.nct_id, ClaimStudy.first_linked_at),
    )
    assert links
    assert sorted(map(tuple, rows)) == sorted(map(tuple, links))
    engine = connect(database_url)
    upgrade(engine)
    engine.dispose()
    rows = _stored(database_url, select(func.count()).where(StudyEvent.kind == "linked"))
    assert rows == [(0,)]
    assert _history(database_url) == before
