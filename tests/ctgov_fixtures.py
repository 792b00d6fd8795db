"""Fixtures and test doubles for the ClinicalTrials.gov client and the fake server.

`tests/conftest.py` re-exports the fixtures so every test can ask for them; test modules
import the doubles (`SleepRecorder`, `MOCK_API_URL`) from here, never from conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import responses
from responses.registries import OrderedRegistry

from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov

MOCK_API_URL = "https://ctgov.test/api/v2"
FIXED_WALL_CLOCK = 1_790_000_000.0  # 2026-09-21T14:13:20Z


class SleepRecorder:
    """Stands in for `time.sleep`: remembers every requested pause, never waits."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    @property
    def total(self) -> float:
        return sum(self.calls)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def mocked_api() -> Iterator[responses.RequestsMock]:
    """`responses` in strict order: each registered answer must be asked for, in turn."""
    with responses.RequestsMock(
        registry=OrderedRegistry, assert_all_requests_are_fired=True
    ) as mock:
        yield mock


@pytest.fixture
def make_client(sleeps: SleepRecorder) -> Callable[..., CtgovClient]:
    """A client with no rate limit, a recorded sleep and a jitter that always draws 0.5."""

    def build(base_url: str = MOCK_API_URL, **overrides: Any) -> CtgovClient:
        options: dict[str, Any] = {
            "rate_limit": None,
            "sleep": sleeps,
            "random": lambda: 0.5,
            "wall_clock": lambda: FIXED_WALL_CLOCK,
        }
        options.update(overrides)
        return CtgovClient(base_url, **options)

    return build


@pytest.fixture
def fake_ctgov() -> Iterator[FakeCtgov]:
    """A started fake ClinicalTrials.gov with an empty corpus; add studies with `put_study`."""
    with FakeCtgov() as fake:
        yield fake
