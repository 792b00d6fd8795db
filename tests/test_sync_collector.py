"""A sync runs the garbage collector at its own, slower pace and gives the caller's back."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Tracker
from sqlalchemy import Engine

from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov
from tracker.sync.claim import ClaimPlan, ClaimResult
from tracker.sync.collector import SYNC_THRESHOLDS, fewer_collections
from tracker.sync.run import sync

CLAIMS = """\
article: {id: a, title: A}
claims:
  - id: c1
    text: Aspirin helps asthma
    topic: {conditions: [asthma]}
"""


class _Watcher:
    """A progress listener that notes the collector's pace whenever the sync reports."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int, int]] = []

    def claim_started(self, plan: ClaimPlan, index: int, total: int) -> None:
        self.seen.append(gc.get_threshold())

    def page_done(self, plan: ClaimPlan, fetched: int) -> None:
        self.seen.append(gc.get_threshold())

    def claim_done(self, result: ClaimResult) -> None:
        self.seen.append(gc.get_threshold())


@pytest.fixture
def caller_pace() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(123, 4, 5)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_a_sync_collects_at_its_pace_and_restores_the_callers(
    tracker: Tracker,
    registry: FakeCtgov,
    engine: Engine,
    tmp_path: Path,
    caller_pace: tuple[int, int, int],
) -> None:
    (tmp_path / "claims.yaml").write_text(CLAIMS)
    tracker("claims", "load", str(tmp_path / "claims.yaml"))
    watcher = _Watcher()

    report = sync(
        engine,
        CtgovClient(registry.url, rate_limit=None),
        clock=lambda: datetime(2026, 12, 1, tzinfo=UTC),
        progress=watcher,
    )

    assert report.failed == []
    assert watcher.seen
    assert set(watcher.seen) == {SYNC_THRESHOLDS}
    assert gc.get_threshold() == caller_pace


def test_the_callers_pace_comes_back_after_an_error(caller_pace: tuple[int, int, int]) -> None:
    inside: list[tuple[int, int, int]] = []

    def fail() -> None:
        with fewer_collections():
            inside.append(gc.get_threshold())
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fail()

    assert inside == [SYNC_THRESHOLDS]
    assert gc.get_threshold() == caller_pace
