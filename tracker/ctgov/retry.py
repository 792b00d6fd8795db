"""Which answers are worth another try, and how long to wait before it.

Server errors wait as long as `Retry-After` asks when they send it (in seconds or as an
HTTP date, within `RETRY_AFTER_CAP`). Otherwise transient faults (5xx, resets, timeouts,
truncated or non-JSON bodies) back off exponentially with full jitter, a uniform wait in
`[0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))`, so that many clients failing
together do not retry together; `DEFAULT_MAX_ATTEMPTS` bounds them.

Throttling (429) has a budget of time rather than attempts: the registry has needed 45–75 s
of backoff at peak hours, so a request keeps trying for `THROTTLE_BUDGET` seconds of
waiting in all, each wait as `Retry-After` asks or growing from `THROTTLE_BASE`, never
longer than `THROTTLE_WAIT_CAP`. A 403 is not throttling (it has come from a client's TLS
setup): it is tried `FORBIDDEN_ATTEMPTS` times, then reported as a refusal.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC
from email.utils import parsedate_to_datetime

DEFAULT_MAX_ATTEMPTS = 5
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0
RETRY_AFTER_CAP = 300.0

THROTTLE_BUDGET = 120.0
THROTTLE_WAIT_CAP = 60.0
THROTTLE_BASE = 5.0
THROTTLE_WAIT_FLOOR = 1.0
"""Even a 429 asking for no wait costs a second: the budget then bounds the attempts."""
FORBIDDEN_ATTEMPTS = 2

RETRY_STATUSES = frozenset({500, 502, 503, 504})


def throttle_delay(throttled: int, retry_after: float | None, random: Callable[[], float]) -> float:
    """Seconds to wait after the `throttled`-th 429 in a row, before the budget's cut.

    Half of the exponential wait is fixed and half jittered, so the waits add up to the
    budget in a known number of tries while clients throttled together still spread out.
    """
    if retry_after is None:
        ceiling = THROTTLE_BASE * 2 ** (throttled - 1)
        retry_after = min(THROTTLE_WAIT_CAP, ceiling) * (0.5 + random() / 2)
    return min(max(retry_after, THROTTLE_WAIT_FLOOR), THROTTLE_WAIT_CAP)


def backoff_delay(attempt: int, random: Callable[[], float]) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based), with full jitter."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return ceiling * random()


def retry_after_delay(value: str | None, *, response_date: str | None, now: float) -> float | None:
    """Seconds a `Retry-After` header asks for, capped; None when absent or unreadable.

    An HTTP date is measured from the response's own `Date` header when it has one, so a
    skewed local clock does not stretch or shrink the wait; else from `now` (epoch seconds).
    """
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        seconds = _seconds_until(value, reference=_epoch(response_date), now=now)
    if seconds is None or math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def _seconds_until(value: str, *, reference: float | None, now: float) -> float | None:
    until = _epoch(value)
    if until is None:
        return None
    return until - (reference if reference is not None else now)


def _epoch(http_date: str | None) -> float | None:
    if not http_date:
        return None
    try:
        moment = parsedate_to_datetime(http_date.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
