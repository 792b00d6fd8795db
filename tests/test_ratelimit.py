"""The limiter spaces request starts; tests drive a fake clock, nothing sleeps."""

from __future__ import annotations

import threading

import pytest

from tracker.ctgov.ratelimit import RateLimiter


class FakeTime:
    """A clock that only moves when something sleeps on it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def test_first_request_starts_at_once() -> None:
    time = FakeTime()
    limiter = RateLimiter(30, clock=time.clock, sleep=time.sleep)

    assert limiter.acquire() == 0
    assert time.sleeps == []


def test_back_to_back_requests_wait_the_interval() -> None:
    time = FakeTime()
    limiter = RateLimiter(30, clock=time.clock, sleep=time.sleep)

    for _ in range(4):
        limiter.acquire()

    assert time.sleeps == [2.0, 4.0, 6.0]


def test_time_already_spent_elsewhere_counts() -> None:
    time = FakeTime()
    limiter = RateLimiter(60, clock=time.clock, sleep=time.sleep)
    limiter.acquire()

    time.now += 0.25
    assert limiter.acquire() == pytest.approx(0.75)
    time.now += 5
    assert limiter.acquire() == 0


def test_forty_one_requests_at_forty_per_minute_take_a_full_minute() -> None:
    time = FakeTime()
    limiter = RateLimiter(40, clock=time.clock, sleep=time.sleep)

    for _ in range(41):
        time.now += limiter.acquire()

    assert time.now - 1000.0 == pytest.approx(60.0)


@pytest.mark.parametrize("per_minute", [None, 0])
def test_no_limit_never_sleeps(per_minute: float | None) -> None:
    time = FakeTime()
    limiter = RateLimiter(per_minute, clock=time.clock, sleep=time.sleep)

    for _ in range(100):
        limiter.acquire()

    assert time.sleeps == []


def test_negative_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        RateLimiter(-1)


def test_concurrent_callers_each_get_their_own_slot() -> None:
    time = FakeTime()
    limiter = RateLimiter(60, clock=time.clock, sleep=time.sleep)
    threads = [threading.Thread(target=limiter.acquire) for _ in range(8)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(time.sleeps) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
