"""A decision made while a sync runs (after it fetched a claim's trials, before it wrote
them) outlasts the sync: the sync never writes `screening`, and judges flags on the
screening it reads in its own write transaction."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from conftest import Tracker
from desk import builtin_claims_synced
from sqlalchemy import Engine, select

from db.engine import transaction
from db.enums import Decision, Tier
from db.models import ClaimStudy, Flag, ScreeningDecision
from tracker.ctgov.client import CtgovClient
from tracker.demo.nights import completed, ongoing_links
from tracker.screening import screen
from tracker.sync import ClaimPlan, ClaimResult, sync


class _EditorDuringFetch:
    """Excludes a trial the moment the sync has fetched a page of its claim."""

    def __init__(self, engine: Engine, claim_id: str, nct_id: str, now: datetime) -> None:
        self.engine, self.claim_id, self.nct_id, self.now = engine, claim_id, nct_id, now
        self.decided = False

    def claim_started(self, plan: ClaimPlan, index: int, total: int) -> None:
        pass

    def page_done(self, plan: ClaimPlan, fetched: int) -> None:
        if plan.claim_id != self.claim_id or self.decided:
            return
        with transaction(self.engine) as session:
            screen(
                session,
                self.claim_id,
                [self.nct_id],
                Decision.EXCLUDE,
                by="editor",
                now=self.now,
                note="not this claim",
            )
        self.decided = True

    def claim_done(self, result: ClaimResult) -> None:
        pass


def test_an_exclusion_made_between_the_fetch_and_the_write_survives_the_sync(
    engine: Engine, tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    with builtin_claims_synced(engine, tracker, monkeypatch) as registry:
        fake, records, days = registry.fake, registry.records, registry.days
        with transaction(engine) as session:
            nct_id = ongoing_links(session)[0]
            claim_id = session.scalars(
                select(ClaimStudy.claim_id).where(
                    ClaimStudy.nct_id == nct_id, ClaimStudy.relevance_tier == Tier.DIRECT
                )
            ).first()
        assert claim_id is not None
        fake.put_study(completed(records[nct_id], days.night_1))
        fake.set_data_timestamp(f"{days.night_1}T01:00:00")
        night = datetime.combine(days.night_1, time(2, 30), UTC)
        editor = _EditorDuringFetch(engine, claim_id, nct_id, night)
        with CtgovClient(fake.url, rate_limit=0) as client:
            report = sync(engine, client, clock=lambda: night, full=True, progress=editor)
    assert editor.decided
    assert not report.failed
    with transaction(engine) as session:
        link = session.get(ClaimStudy, (claim_id, nct_id))
        assert link is not None
        assert link.screening == Decision.EXCLUDE
        decisions = session.scalars(
            select(ScreeningDecision.decision).where(
                ScreeningDecision.claim_id == claim_id, ScreeningDecision.nct_id == nct_id
            )
        ).all()
        assert decisions == [Decision.EXCLUDE]
        open_flags = session.scalars(
            select(Flag.kind).where(
                Flag.claim_id == claim_id, Flag.nct_id == nct_id, Flag.acknowledged_at.is_(None)
            )
        ).all()
        assert open_flags == []
