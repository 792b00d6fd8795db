"""What changed in a week, claim by claim: the digest as one JSON-ready document.

A week's changes are the flags raised and the events observed in it. Flags come first:
a new trial, a completion, posted results or a stop is reported once, under its flag,
and the events that explain it (the status change, the results, the trial's link to the
claim) are folded into that item rather than listed again. What no flag explains (other
status changes, trials linked that are not new, trials no longer matching, moved key
dates) follows. Evidence status is the claims' status when the digest is made. The
Markdown and HTML renderings are made from this document alone.

Only the trials that count for a claim (direct, or as its `min_relevance` allows, or
included by a person) are listed, direct ones first; the changes of the others are folded
into `folded`, counts of their trials by tier (and `excluded`), for `tracker trials` to
show. A claim lists at most `SHOWN_PER_SECTION` items per section and counts the rest under
`more`: the week of a claim's first sync links every trial its search finds, and a digest
of ten thousand lines would be read by no one (`tracker claims show CLAIM --history` has them).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from claims.query import list_claims
from db.enums import ClaimStatus, Decision, EventKind, FlagKind, Tier
from db.models import Claim, ClaimStudy, Flag, Study, StudyEvent
from tracker.digest.week import IsoWeek
from tracker.relevance.links import counts_for_claim
from tracker.status import nested, status_rows
from tracker.trials import events_for_claims

STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"

SECTIONS: tuple[tuple[str, str], ...] = (
    ("new_trial", "New trials"),
    ("trial_completed", "Trials completed"),
    ("results_posted", "Results posted"),
    ("trial_stopped", "Trials stopped"),
    ("status_changed", "Other status changes"),
    ("linked", "Trials linked (first posted before the claim)"),
    ("unmatched", "Trials no longer matching"),
    ("rematched", "Trials matching again"),
    ("dates_changed", "Key dates changed"),
)
"""Item kinds in the order a claim's changes are reported, with their headings."""

SHOWN_PER_SECTION = 25
STUDY_BATCH = 5000
"""NCT ids per query when loading studies: PostgreSQL takes at most 65,535 parameters."""

_ORDER = {kind: index for index, (kind, _) in enumerate(SECTIONS)}
_EXPLAINED_BY = {
    EventKind.LINKED: "new_trial",
    EventKind.RESULTS_POSTED: "results_posted",
}
_TRANSITION_FLAGS = ("trial_completed", "trial_stopped")
_DETAILED = (EventKind.STATUS_CHANGED, EventKind.DATES_CHANGED)
"""The events whose `detail` an item shows."""


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).date().isoformat()


def _item(kind: str, nct_id: str, at: str, study: Row[Any] | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "nct_id": nct_id,
        "title": study.brief_title if study else None,
        "status": study.overall_status if study else None,
        "phase": "/".join(study.phases) if study and study.phases else None,
        "at": at,
        "url": STUDY_URL.format(nct_id=nct_id),
    }


def _studies(session: Session, nct_ids: Iterable[str]) -> dict[str, Row[Any]]:
    """What the items show of each study, loaded in batches."""
    wanted = sorted(set(nct_ids))
    found: dict[str, Row[Any]] = {}
    for start in range(0, len(wanted), STUDY_BATCH):
        batch = wanted[start : start + STUDY_BATCH]
        rows = session.execute(
            select(Study.nct_id, Study.brief_title, Study.overall_status, Study.phases).where(
                Study.nct_id.in_(batch)
            )
        )
        found.update((row.nct_id, row) for row in rows)
    return found


def _standing(
    session: Session, claim_ids: list[str], nct_ids: Iterable[str]
) -> dict[tuple[str, str], str | None]:
    """For each (claim, study) of the week's changes: None when the trial counts for the
    claim, else its tier or `excluded`, under which its changes are folded."""
    wanted = sorted(set(nct_ids))
    found: dict[tuple[str, str], str | None] = {}
    for start in range(0, len(wanted), STUDY_BATCH):
        rows = session.execute(
            select(
                ClaimStudy.claim_id,
                ClaimStudy.nct_id,
                ClaimStudy.relevance_tier,
                ClaimStudy.screening,
                Claim.min_relevance,
            )
            .join(Claim, Claim.id == ClaimStudy.claim_id)
            .where(
                ClaimStudy.claim_id.in_(claim_ids),
                ClaimStudy.nct_id.in_(wanted[start : start + STUDY_BATCH]),
            )
        )
        for row in rows:
            if counts_for_claim(row.relevance_tier, row.screening, row.min_relevance):
                standing = None
            elif row.screening == Decision.EXCLUDE:
                standing = "excluded"
            else:
                standing = row.relevance_tier
            found[(row.claim_id, row.nct_id)] = standing
    return found


def _folded(
    claim_id: str, nct_ids: Iterable[str], standing: dict[Any, str | None]
) -> dict[str, int]:
    counted = Counter(standing.get((claim_id, nct_id)) for nct_id in set(nct_ids))
    return {
        key: counted[key]
        for key in (Tier.INDIRECT.value, Tier.BACKGROUND.value, "excluded")
        if counted[key]
    }


def _flag_items(
    flags: Iterable[Row[Any]], studies: dict[str, Row[Any]], zone: ZoneInfo
) -> dict[tuple[str, str], dict[str, Any]]:
    items = {}
    for flag in flags:
        kind = FlagKind(flag.kind).value.lower()
        at = flag.effective_on or _day(flag.raised_at, zone)
        items[(flag.nct_id, kind)] = _item(kind, flag.nct_id, at, studies.get(flag.nct_id))
    return items


def _event_item(
    event: dict[str, Any],
    items: dict[tuple[str, str], dict[str, Any]],
    flagged: set[str],
    study: Row[Any] | None,
    zone: ZoneInfo,
) -> dict[str, Any] | None:
    """The item an event adds, or None when a flag's item already tells it."""
    nct_id, kind, detail = event["nct_id"], event["kind"], event["detail"]
    if (nct_id, _EXPLAINED_BY.get(kind)) in items:
        return None
    if kind == EventKind.LINKED and nct_id in flagged:
        return None
    if kind == EventKind.STATUS_CHANGED:
        for flag_kind in _TRANSITION_FLAGS:
            flag_item = items.get((nct_id, flag_kind))
            if flag_item is not None and flag_item["status"] == detail["new"]:
                flag_item.update(old=detail["old"], new=detail["new"])
                return None
    item = _item(kind, nct_id, event["effective_on"] or _day(event["observed_at"], zone), study)
    if kind == EventKind.STATUS_CHANGED:
        item.update(old=detail["old"], new=detail["new"])
    elif kind == EventKind.DATES_CHANGED:
        item.update(
            old={name: change["old"] for name, change in detail.items()},
            new={name: change["new"] for name, change in detail.items()},
        )
    return item


def _claim_items(
    flags: list[Row[Any]],
    events: list[dict[str, Any]],
    studies: dict[str, Row[Any]],
    zone: ZoneInfo,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A claim's items in report order, at most `SHOWN_PER_SECTION` of a kind, and how
    many of each kind are left out."""
    items = _flag_items(flags, studies, zone)
    flagged = {nct_id for nct_id, _ in items}
    extra = []
    for event in sorted(events, key=lambda e: (e["observed_at"], e["id"])):
        item = _event_item(event, items, flagged, studies.get(event["nct_id"]), zone)
        if item is not None:
            extra.append(item)
    found = [*items.values(), *extra]
    found.sort(key=lambda item: item["nct_id"])
    found.sort(key=lambda item: item["at"], reverse=True)
    found.sort(key=lambda item: _ORDER[item["kind"]])
    listed: Counter[str] = Counter()
    shown = []
    for item in found:
        listed[item["kind"]] += 1
        if listed[item["kind"]] <= SHOWN_PER_SECTION:
            shown.append(item)
    more = {kind: n - SHOWN_PER_SECTION for kind, n in listed.items() if n > SHOWN_PER_SECTION}
    return shown, more


def _describe_unloaded(session: Session, claims: list[dict[str, Any]]) -> None:
    """Fill in the study of each listed item that no flag brought: only those listed are
    loaded, however many events the week holds."""
    items = [item for claim in claims for item in claim["events"] if item["title"] is None]
    studies = _studies(session, (item["nct_id"] for item in items))
    for item in items:
        if (study := studies.get(item["nct_id"])) is not None:
            item.update(_item(item["kind"], item["nct_id"], item["at"], study))


def _summary(
    session: Session,
    claims: list[dict[str, Any]],
    flags: list[Row[Any]],
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    event_counts = session.execute(
        select(StudyEvent.kind, func.count())
        .where(StudyEvent.observed_at >= start, StudyEvent.observed_at < end)
        .group_by(StudyEvent.kind)
    )
    flag_counts = Counter(flag.kind for flag in flags)
    return {
        "claims_total": len(claims),
        "claims_changed": sum(1 for claim in claims if claim["events"]),
        "flags": {kind.value: flag_counts[kind.value] for kind in FlagKind},
        "events": {kind.value: 0 for kind in EventKind} | dict(event_counts.all()),
    }


def changes_in(session: Session, week: IsoWeek, zone: ZoneInfo) -> int:
    """How many events and flags the syncs recorded in `week` so far."""
    start, end = week.bounds(zone)
    events = session.scalar(
        select(func.count())
        .select_from(StudyEvent)
        .where(StudyEvent.observed_at >= start, StudyEvent.observed_at < end)
    )
    flags = session.scalar(
        select(func.count()).select_from(Flag).where(Flag.raised_at >= start, Flag.raised_at < end)
    )
    return (events or 0) + (flags or 0)


def build_digest(session: Session, week: IsoWeek, zone: ZoneInfo) -> dict[str, Any]:
    """The digest of `week`: a summary, then every active claim with its changes."""
    start, end = week.bounds(zone)
    active = [c for c in list_claims(session) if c.status == ClaimStatus.ACTIVE]
    claim_ids = [claim.id for claim in active]
    flags = session.execute(
        select(Flag.claim_id, Flag.nct_id, Flag.kind, Flag.effective_on, Flag.raised_at)
        .where(Flag.raised_at >= start, Flag.raised_at < end, Flag.claim_id.in_(claim_ids))
        .order_by(Flag.id)
    ).all()
    events = events_for_claims(session, claim_ids, start, end, detail_of=_DETAILED)
    studies = _studies(session, (flag.nct_id for flag in flags))
    statuses = {row["claim_id"]: nested(row) for row in status_rows(session.connection())}
    standing = _standing(
        session, claim_ids, [*(f.nct_id for f in flags), *(e["nct_id"] for e in events)]
    )
    flags_by_claim: dict[str, list[Row[Any]]] = defaultdict(list)
    hidden: dict[str, list[str]] = defaultdict(list)
    for flag in flags:
        if standing.get((flag.claim_id, flag.nct_id)) is None:
            flags_by_claim[flag.claim_id].append(flag)
        else:
            hidden[flag.claim_id].append(flag.nct_id)
    events_by_claim: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if standing.get((event["claim_id"], event["nct_id"])) is None:
            events_by_claim[event["claim_id"]].append(event)
        else:
            hidden[event["claim_id"]].append(event["nct_id"])
    claims = []
    for claim in active:
        items, more = _claim_items(
            flags_by_claim[claim.id], events_by_claim[claim.id], studies, zone
        )
        folded = _folded(claim.id, hidden[claim.id], standing)
        claims.append(
            {
                "claim_id": claim.id,
                "article_id": claim.article_id,
                "article": {"title": claim.article.title, "url": claim.article.url},
                "text": claim.text,
                "evidence_level": statuses[claim.id]["evidence_level"],
                "status": statuses[claim.id],
                "events": items,
                "more": more,
                "folded": folded,
            }
        )
    _describe_unloaded(session, claims)
    claims.sort(key=lambda claim: not claim["events"])
    return {
        "week": str(week),
        "start": week.start.isoformat(),
        "end": week.end.isoformat(),
        "timezone": zone.key,
        "summary": _summary(session, claims, list(flags), start, end),
        "claims": claims,
    }
