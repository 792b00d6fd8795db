"""ISO weeks (`2026-W48`): Monday to Sunday in the configured time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.errors import UsageError

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
MIN_YEAR, MAX_YEAR = 1970, 2999
"""Weeks a digest can cover: the registry opened in 2000, and dates end at 9999."""


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """`"2026-W48"` → IsoWeek(2026, 48); anything else is a usage error."""
        match = _ISO_WEEK.match(text.strip())
        if match is None:
            raise UsageError(f"--week {text!r}: expected an ISO week such as 2026-W48")
        year, number = int(match.group(1)), int(match.group(2))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise UsageError(f"--week {text!r}: the year must be from {MIN_YEAR} to {MAX_YEAR}")
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise UsageError(f"--week {text!r}: {year} has no week {number}") from None
        return cls(year, number)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def last_complete(cls, today: date) -> IsoWeek:
        """The most recent week that has ended before `today`."""
        return cls.containing(today - timedelta(days=7))

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        """The week's last day, Sunday."""
        return self.start + timedelta(days=6)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """From Monday 00:00 to the next Monday 00:00, local time, as aware datetimes."""
        start = datetime.combine(self.start, time(), zone)
        return start, datetime.combine(self.end + timedelta(days=1), time(), zone)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"
