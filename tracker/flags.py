"""Acknowledging flags (listed by `tracker.flag_list`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from claims.query import get_claim
from db.models import Flag
from tracker.errors import UsageError


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
