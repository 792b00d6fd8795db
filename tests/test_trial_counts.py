"""The trial counts the status view reads stay equal to a count made from the links,
through every sync and through migrating a database that already holds links.

The sync keeps `claim_trial_counts`; here each sync of the registry-days scenario (new
links, status changes shared by several claims, results, a study no longer matching) is
followed by a recount in Python from the links and studies themselves.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from conftest import Tracker
from scenarios import day_four, day_one, day_three, day_two, write_claims
from sqlalchemy import select

from db.engine import connect
from db.migrate import downgrade, upgrade
from db.models import Claim, ClaimStudy, ClaimSyncState, ClaimTrialCounts, Study
from db.views import STATUS_GROUPS, claim_evidence_status
from tracker.fake_registry import FakeCtgov

COUNTED = ("trials_total", *STATUS_GROUPS, "with_results", "phase_rank", "last_change")
TIERED = ("direct", "indirect", "background", "excluded", "awaiting_screening")
BEFORE_TIERS = {*TIERED, "min_relevance"}
"""The view's columns since migration 0007."""
SINCE_0008 = {
    "with_publications",
    "open_outcome_changed",
    "open_results_published",
    "open_results_overdue",
}
RANK = {"direct": 3, "indirect": 2, "background": 1}


def counts_for_claim(screening: str | None, tier: str | None, min_relevance: str) -> bool:
    if screening is not None:
        return screening == "include"
    return tier is None or RANK[tier] >= RANK[min_relevance]


def _group(status: str | None) -> str:
    return next((g for g, members in STATUS_GROUPS.items() if status in members), "unknown")


def recounted(database_url: str) -> dict[str, dict[str, Any]]:
    engine = connect(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                ClaimStudy.claim_id,
                ClaimStudy.relevance_tier,
                ClaimStudy.screening,
                Claim.min_relevance,
                Study,
            )
            .join(Study)
            .join(Claim, Claim.id == ClaimStudy.claim_id)
            .where(ClaimStudy.is_matching)
        ).all()
    engine.dispose()
    counts: dict[str, Counter[str]] = {}
    tops: dict[str, dict[str, Any]] = {}
    for row in rows:
        counted = counts.setdefault(row.claim_id, Counter())
        top = tops.setdefault(row.claim_id, {"phase_rank": None, "last_change": None})
        if row.screening == "exclude":
            counted["excluded"] += 1
        elif row.relevance_tier is not None:
            counted[row.relevance_tier] += 1
        if not counts_for_claim(row.screening, row.relevance_tier, row.min_relevance):
            counted["awaiting_screening"] += row.screening is None
            continue
        counted["trials_total"] += 1
        counted[_group(row.overall_status)] += 1
        counted["with_results"] += row.has_results or row.results_first_posted is not None
        for name, value in (
            ("phase_rank", row.phase_rank),
            ("last_change", row.last_update_posted),
        ):
            if value is not None and (top[name] is None or value > top[name]):
                top[name] = value
    return {
        claim: {name: counts[claim][name] for name in (*COUNTED[:-2], *TIERED)} | tops[claim]
        for claim in counts
    }


def kept(database_url: str) -> dict[str, dict[str, Any]]:
    engine = connect(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(ClaimTrialCounts)).all()
    engine.dispose()
    return {
        row.claim_id: {name: getattr(row, name) for name in (*COUNTED, *TIERED)} for row in rows
    }


def test_kept_counts_equal_a_recount_after_every_sync(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    assert tracker("claims", "load", str(write_claims(tmp_path))).status == 0
    for day, arguments in (
        (day_one, ()),
        (day_two, ()),
        (day_three, ()),
        (day_four, ("--full",)),
    ):
        day(registry)
        assert tracker("sync", *arguments).status == 0

        assert kept(database_url) == recounted(database_url)
    assert kept(database_url)["liver-msc"]["trials_total"] >= 1


def status_view(database_url: str) -> list[dict[str, Any]]:
    engine = connect(database_url)
    with engine.connect() as connection:
        columns = [c for c in claim_evidence_status.c if c.name not in BEFORE_TIERS | SINCE_0008]
        rows = connection.execute(select(*columns)).all()
    engine.dispose()
    return sorted((dict(row._mapping) for row in rows), key=lambda row: row["claim_id"])


def test_migrating_an_existing_database_keeps_every_status_number(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    assert tracker("claims", "load", str(write_claims(tmp_path))).status == 0
    for day in (day_one, day_two, day_three):
        day(registry)
        assert tracker("sync").status == 0
    engine = connect(database_url)
    downgrade(engine, "0004")
    before = status_view(database_url)
    upgrade(engine, "0006")
    assert status_view(database_url) == before

    upgrade(engine)
    engine.dispose()

    assert status_view(database_url) == before
    assert kept(database_url) == recounted(database_url)
    engine = connect(database_url)
    with engine.connect() as connection:
        bookmarks = connection.execute(select(ClaimSyncState.claim_id)).all()
    engine.dispose()
    assert bookmarks == []
