"""Cron triggers in the configured time zone that fire once per wall-clock time."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from tracker.errors import ConfigError

FIELDS = ("minute", "hour", "day", "month", "day_of_week")
"""A crontab line's five fields; a sixth, leading field gives seconds."""

CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
"""Crontab numbers weekdays from Sunday = 0 (7 too); APScheduler from Monday = 0."""


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field in day names, which APScheduler reads as crontab means them.

    `1-5` → `mon,tue,wed,thu,fri`; `0,6` → `sun,sat`; names and `*` pass unchanged.
    """
    if not any(char.isdigit() for char in field):
        return field
    days: set[int] = set()
    for item in field.split(","):
        base, _, step = item.partition("/")
        first, _, last = base.partition("-")
        low = 0 if base == "*" else int(first)
        high = 7 if base == "*" else int(last or (7 if step else first))
        if not 0 <= low <= high <= 7:
            raise ValueError(f"weekday {item!r} is out of 0-7")
        days.update(day % 7 for day in range(low, high + 1, int(step or 1)))
    return ",".join(CRONTAB_DAYS[day] for day in sorted(days))


class WallClockCronTrigger(CronTrigger):
    """A `CronTrigger` that does not fire again in the hour repeated when clocks go back.

    APScheduler fires `30 2 * * *` twice on the night summer time ends (02:30 in each
    offset); a nightly job should run once. On the night clocks go forward, the missing
    02:30 fires once, at 03:30.
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        if previous_fire_time is None:
            return fire
        previous = previous_fire_time.astimezone(self.timezone).replace(tzinfo=None)
        while fire is not None and fire.replace(tzinfo=None) == previous:
            fire = super().get_next_fire_time(fire, fire)
        return fire


def cron_trigger(expression: str, zone: tzinfo, variable: str) -> WallClockCronTrigger:
    """A trigger for a crontab expression (five fields, or six with seconds first)."""
    fields = expression.split()
    if len(fields) not in (5, 6):
        raise ConfigError(
            f"{variable}: {expression!r} is not a cron expression"
            " (minute hour day month weekday, e.g. '30 2 * * *')"
        )
    values: dict[str, Any] = dict(zip(FIELDS, fields[-5:], strict=True))
    if len(fields) == 6:
        values["second"] = fields[0]
    try:
        values["day_of_week"] = crontab_weekdays(values["day_of_week"])
        return WallClockCronTrigger(timezone=zone, **values)
    except ValueError as exc:
        raise ConfigError(f"{variable}: {expression!r} is not a cron expression ({exc})") from None
