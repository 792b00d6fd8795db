"""How much of a claim a sync fetches, and with which queries.

A claim's first sync, a sync after its topic or `as_of` changed, `--full`, and every
`full_sync_days` (on a day of its own, so that claims take turns) fetch every matching
study. Otherwise only studies updated since the claim's bookmark (less `OVERLAP`) are
fetched, and none at all when `/version` says the registry has not refreshed since the
claim's last sync.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime, timedelta

from claims.query import stored_topic
from claims.spec import Topic
from db.models import Claim, ClaimSyncState
from tracker.config import DEFAULT_FULL_SYNC_DAYS
from tracker.ctgov.query import StudyQuery
from tracker.sync.claim import ClaimPlan

OVERLAP = timedelta(days=2)
"""How far before its bookmark an incremental sync starts, so nothing at the edge is missed."""


def plan_claim(
    claim: Claim,
    state: ClaimSyncState | None,
    *,
    full: bool,
    data_timestamp: str | None,
    now: datetime,
    full_sync_days: int = DEFAULT_FULL_SYNC_DAYS,
) -> ClaimPlan:
    """Decide how much of a claim to fetch."""
    plan = ClaimPlan(
        claim.id,
        stored_topic(claim.topic),
        claim.topic_version,
        claim.as_of,
        "full",
        min_relevance=claim.min_relevance,
    )
    if (
        full
        or state is None
        or (state.topic_version, state.as_of) != (claim.topic_version, claim.as_of)
    ):
        return plan
    if data_timestamp is not None and state.data_timestamp == data_timestamp:
        return replace(plan, mode="unchanged")
    if full_sync_due(claim.id, state.full_synced_at.date(), now.date(), full_sync_days):
        return plan
    return replace(plan, mode="incremental", updated_since=state.watermark - OVERLAP)


def full_sync_due(claim_id: str, last_full: date, today: date, every: int) -> bool:
    """Whether a claim's periodic full sync is due: on its own day of each `every`-day
    cycle (a hash of its id, so that claims take turns night by night), or whenever its
    last full sync is `every` days old. Full syncs catch what moves no update date, such
    as a status turned UNKNOWN. `every` 0 never asks for one."""
    if every <= 0:
        return False
    age = (today - last_full).days
    if age >= every:
        return True
    turn = int.from_bytes(hashlib.sha256(claim_id.encode()).digest()[:4], "big") % every
    return age >= 1 and today.toordinal() % every == turn


def query_for(topic: Topic, updated_since: date | None = None) -> StudyQuery:
    """What to ask ClinicalTrials.gov for a topic, optionally only what was updated since."""
    return StudyQuery(
        conditions=topic.conditions,
        interventions=topic.interventions,
        terms=topic.terms,
        study_types=topic.study_types,
        updated_since=updated_since,
        exclude_conditions=topic.exclude_conditions,
        exclude_interventions=topic.exclude_interventions,
        exclude_terms=topic.exclude_terms,
        phases=topic.phases,
    )


def named_trials_query(topic: Topic, updated_since: date | None = None) -> StudyQuery | None:
    """The extra request for the trials a claim names (`nct_ids`), applied like search
    results so that they are linked whatever the search returns; None when it names none."""
    if not topic.nct_ids:
        return None
    return StudyQuery(nct_ids=topic.nct_ids, updated_since=updated_since)


def walk_queries(topic: Topic, updated_since: date | None = None) -> list[StudyQuery]:
    """Every query a claim's sync walks: its search, then the trials it names."""
    named = named_trials_query(topic, updated_since)
    return [query_for(topic, updated_since), *([named] if named else [])]


def watermark_of(data_timestamp: str | None, now: datetime) -> date:
    """The registry day the data was fetched at: its refresh date, else today."""
    try:
        return date.fromisoformat((data_timestamp or "")[:10])
    except ValueError:
        return now.date()
