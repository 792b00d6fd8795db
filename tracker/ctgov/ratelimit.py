"""Keep request starts under a number per minute, whatever pages or claims they serve.

ClinicalTrials.gov publishes no limit and sends no rate-limit headers; clients that go
above roughly 50 requests a minute see 429s. Spacing every start at least `60 / N`
seconds after the previous one keeps a process below N per minute at every instant,
rather than letting bursts through at the start of each minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Spaces request starts `60 / per_minute` seconds apart; 0 or None means no limit.

    Thread-safe: each caller reserves the next free slot under a lock, then sleeps outside
    it, so concurrent callers queue in order instead of starting together.
    """

    def __init__(
        self,
        per_minute: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute is not None and per_minute < 0:
            raise ValueError(f"requests per minute must not be negative, not {per_minute}")
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_start: float | None = None

    def acquire(self) -> float:
        """Wait until a request may start; return how long this call waited."""
        if not self.interval:
            return 0.0
        with self._lock:
            now = self._clock()
            start = now if self._next_start is None else max(now, self._next_start)
            self._next_start = start + self.interval
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return wait
