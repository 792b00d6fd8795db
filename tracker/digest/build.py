"""What changed in a week, claim by claim: the digest as one JSON-ready document.

A week's changes are the flags raised and the events observed in it. Flags come first:
a new trial, a completion, posted results or a stop is reported once, under its flag,
and the events that explain it (the status change, the results, the trial's link to the
claim) are folded into that item rather than listed again. What no flag explains (other
status changes, trials linked that are not new, trials no longer matching, moved key
dates) follows. Evidence status is the claims' status when the digest is made. The
Markdown and HTML renderings are made from this document alone.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from claims.query import list_claims
from db.enums import ClaimStatus, EventKind, FlagKind
from db.models import Flag, Study, StudyEvent
from tracker.digest.week import IsoWeek
from tracker.evidence import events_for_claims
from tracker.status import nested, status_rows

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

_ORDER = {kind: index for index, (kind, _) in enumerate(SECTIONS)}
_EXPLAINED_BY = {
    EventKind.LINKED: "new_trial",
    EventKind.RESULTS_POSTED: "results_posted",
}
_TRANSITION_FLAGS = ("trial_completed", "trial_stopped")


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).date().isoformat()


def _item(kind: str, nct_id: str, at: str, study: Study | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "nct_id": nct_id,
        "title": study.brief_title if study else None,
        "status": study.overall_status if study else None,
        "phase": "/".join(study.phases) if study and study.phases else None,
        "at": at,
        "url": STUDY_URL.format(nct_id=nct_id),
    }


def _flag_items(
    flags: Iterable[Flag], studies: dict[str, Study], zone: ZoneInfo
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
    study: Study | None,
    zone: ZoneInfo,
) -> dict[str, Any] | None:
    """The item an event adds, or None when a flag's item already tells it."""
    nct_id, kind, detail = event["nct_id"], event["kind"], event["detail"]
    if (nct_id, _EXPLAINED_BY.get(kind)) in items:
        return None
    if kind == EventKind.LINKED and any(flagged == nct_id for flagged, _ in items):
        return None
    if kind == EventKind.STATUS_CHANGED:
        for flagged in _TRANSITION_FLAGS:
            if (nct_id, flagged) in items and items[(nct_id, flagged)]["status"] == detail["new"]:
                items[(nct_id, flagged)].update(old=detail["old"], new=detail["new"])
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
    flags: list[Flag], events: list[dict[str, Any]], studies: dict[str, Study], zone: ZoneInfo
) -> list[dict[str, Any]]:
    items = _flag_items(flags, studies, zone)
    extra = []
    for event in sorted(events, key=lambda e: (e["observed_at"], e["id"])):
        item = _event_item(event, items, studies.get(event["nct_id"]), zone)
        if item is not None:
            extra.append(item)
    found = [*items.values(), *extra]
    found.sort(key=lambda item: item["nct_id"])
    found.sort(key=lambda item: item["at"], reverse=True)
    found.sort(key=lambda item: _ORDER[item["kind"]])
    return found


def _summary(
    session: Session,
    claims: list[dict[str, Any]],
    flags: list[Flag],
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


def build_digest(session: Session, week: IsoWeek, zone: ZoneInfo) -> dict[str, Any]:
    """The digest of `week`: a summary, then every active claim with its changes."""
    start, end = week.bounds(zone)
    active = [c for c in list_claims(session) if c.status == ClaimStatus.ACTIVE]
    claim_ids = [claim.id for claim in active]
    flags = session.scalars(
        select(Flag)
        .where(Flag.raised_at >= start, Flag.raised_at < end, Flag.claim_id.in_(claim_ids))
        .order_by(Flag.id)
    ).all()
    events = events_for_claims(session, claim_ids, start, end)
    nct_ids = {flag.nct_id for flag in flags} | {event["nct_id"] for event in events}
    studies = {s.nct_id: s for s in session.scalars(select(Study).where(Study.nct_id.in_(nct_ids)))}
    statuses = {row["claim_id"]: nested(row) for row in status_rows(session.connection())}
    flags_by_claim: dict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        flags_by_claim[flag.claim_id].append(flag)
    events_by_claim: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        events_by_claim[event["claim_id"]].append(event)
    claims = [
        {
            "claim_id": claim.id,
            "article_id": claim.article_id,
            "text": claim.text,
            "evidence_level": statuses[claim.id]["evidence_level"],
            "status": statuses[claim.id],
            "events": _claim_items(
                flags_by_claim[claim.id], events_by_claim[claim.id], studies, zone
            ),
        }
        for claim in active
    ]
    claims.sort(key=lambda claim: not claim["events"])
    return {
        "week": str(week),
        "start": week.start.isoformat(),
        "end": week.end.isoformat(),
        "timezone": zone.key,
        "summary": _summary(session, claims, list(flags), start, end),
        "claims": claims,
    }
