"""Which weeks have a digest: from the first observed change (at most `MAX_WEEKS` back) to
the current week."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ClaimStudy, Flag, StudyEvent
from tracker.digest.build import changes_in
from tracker.digest.week import IsoWeek

MAX_WEEKS = 104


def digest_weeks(session: Session, zone: ZoneInfo, today: date) -> list[tuple[IsoWeek, int]]:
    """Each week since the first change, newest first, with its number of changes."""
    first = session.scalar(select(func.min(StudyEvent.observed_at)))
    linked = session.scalar(select(func.min(ClaimStudy.first_linked_at)))
    flagged = session.scalar(select(func.min(Flag.raised_at)))
    starts = [moment for moment in (first, linked, flagged) if moment is not None]
    if not starts:
        return []
    last = IsoWeek.containing(today)
    oldest = IsoWeek.containing(today - timedelta(weeks=MAX_WEEKS - 1))
    week = max(IsoWeek.containing(min(starts).date()), oldest)
    weeks = []
    while week <= last:
        weeks.append((week, changes_in(session, week, zone)))
        week = IsoWeek.containing(week.start + timedelta(days=7))
    return weeks[::-1]
