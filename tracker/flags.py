"""Listing flags and acknowledging them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from claims.query import get_claim
from db.models import Flag, Study
from tracker.errors import UsageError


def list_flags(
    session: Session, *, claim_id: str | None = None, include_acknowledged: bool = False
) -> list[dict[str, Any]]:
    """Open flags (or all of them), oldest first, with their study's title and status."""
    query = select(Flag, Study.brief_title, Study.overall_status).join(
        Study, Study.nct_id == Flag.nct_id
    )
    if claim_id is not None:
        get_claim(session, claim_id)
        query = query.where(Flag.claim_id == claim_id)
    if not include_acknowledged:
        query = query.where(Flag.acknowledged_at.is_(None))
    rows = session.execute(query.order_by(Flag.raised_at, Flag.id))
    return [_record(flag, title, status) for flag, title, status in rows]


def _record(flag: Flag, title: str | None, status: str | None) -> dict[str, Any]:
    return {
        "id": flag.id,
        "claim_id": flag.claim_id,
        "nct_id": flag.nct_id,
        "kind": flag.kind,
        "effective_on": flag.effective_on,
        "reason": flag.reason,
        "raised_at": flag.raised_at,
        "acknowledged_at": flag.acknowledged_at,
        "note": flag.note,
        "title": title,
        "status": status,
    }


@dataclass
class Acknowledgement:
    """Which flags an acknowledgement closed, and which it found closed already."""

    acknowledged: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)


def acknowledge(
    session: Session,
    *,
    now: datetime,
    claim_id: str | None = None,
    flag_ids: Sequence[int] = (),
    every: bool = False,
    note: str | None = None,
) -> Acknowledgement:
    """Close the open flags of a claim, the flags named, or every open flag."""
    if sum((claim_id is not None, bool(flag_ids), every)) != 1:
        raise UsageError("acknowledge one claim's flags, named flags (--flag), or --all")
    query = select(Flag.id, Flag.acknowledged_at)
    if claim_id is not None:
        get_claim(session, claim_id)
        query = query.where(Flag.claim_id == claim_id, Flag.acknowledged_at.is_(None))
    elif flag_ids:
        query = query.where(Flag.id.in_(flag_ids))
    else:
        query = query.where(Flag.acknowledged_at.is_(None))
    found: dict[int, Any] = dict(session.execute(query).all())
    missing = sorted(set(flag_ids) - set(found))
    if missing:
        raise UsageError(f"no flag with id {missing[0]} (see `tracker flags --all`)")
    result = Acknowledgement(
        acknowledged=sorted(i for i, closed in found.items() if closed is None),
        already=sorted(i for i, closed in found.items() if closed is not None),
    )
    if result.acknowledged:
        session.execute(
            update(Flag)
            .where(Flag.id.in_(result.acknowledged))
            .values(acknowledged_at=now, note=note)
        )
    return result
