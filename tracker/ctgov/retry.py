"""Which answers are worth another try, and how long to wait before it.

Throttling (429, and 403 which the service has been seen to send under load) and server
errors wait as long as `Retry-After` asks when they send it (in seconds or as an HTTP date,
within `RETRY_AFTER_CAP`). Otherwise transient faults (those statuses, resets, timeouts,
truncated or non-JSON bodies) back off exponentially with full jitter, a uniform wait in
`[0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))`, so that many clients failing
together do not retry together.
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

THROTTLE_STATUSES = frozenset({403, 429})
RETRY_STATUSES = THROTTLE_STATUSES | {500, 502, 503, 504}


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
