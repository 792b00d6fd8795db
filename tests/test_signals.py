"""SIGINT and SIGTERM are honoured every time: the run is closed, the exit status says
which signal, and nothing is swallowed or turned into a database error."""

from __future__ import annotations

import random
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Tracker
from scenarios import write_claims
from sqlalchemy import Engine, delete, event, select, text
from sync_helpers import state
from sync_processes import spawn_sync, synced_reference, wait_for

from db.engine import connect, transaction
from db.models import ClaimStudy, ClaimSyncState, Flag, Study, StudyEvent, SyncRun
from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov
from tracker.interrupts import Interrupts, critical
from tracker.sync import run as sync_run

ATTEMPTS = 10
"""Signals sent at random moments, per database (bounded: each costs one sync's start)."""


def test_a_signal_inside_the_database_stack_waits_for_the_next_safe_point(
    engine: Engine,
) -> None:
    interrupts = Interrupts()

    def signal_lands(*_args: object) -> None:
        interrupts.handle(signal.SIGTERM, sys._getframe())

    event.listen(engine, "before_cursor_execute", signal_lands)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
    event.remove(engine, "before_cursor_execute", signal_lands)
    with pytest.raises(KeyboardInterrupt):
        interrupts.check()
    assert interrupts.exit_status == 143


def test_a_signal_in_a_finaliser_or_a_critical_step_is_deferred_and_in_our_code_raises() -> None:
    in_finaliser, in_critical = Interrupts(), Interrupts()

    class Finalised:
        def __del__(self) -> None:
            in_finaliser.handle(signal.SIGINT, sys._getframe())

    @critical
    def record_outcome() -> None:
        in_critical.handle(signal.SIGINT, sys._getframe())

    Finalised()
    record_outcome()
    for interrupts in (in_finaliser, in_critical):
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
        assert interrupts.exit_status == 130
    with pytest.raises(KeyboardInterrupt):
        Interrupts().handle(signal.SIGINT, sys._getframe())


def test_a_second_signal_while_one_is_deferred_raises_where_it_lands() -> None:
    interrupts = Interrupts()

    @critical
    def slow_step() -> None:
        interrupts.handle(signal.SIGINT, sys._getframe())
        interrupts.handle(signal.SIGINT, sys._getframe())

    with pytest.raises(KeyboardInterrupt):
        slow_step()


def _listings(registry: FakeCtgov) -> int:
    return sum(path == "/studies" for path, _ in registry.requests)


def _forget_syncs(url: str) -> None:
    """Back to claims loaded and nothing synced, so that every attempt writes everything."""
    engine = connect(url)
    try:
        with transaction(engine) as session:
            for model in (Flag, StudyEvent, ClaimStudy, ClaimSyncState, SyncRun, Study):
                session.execute(delete(model))
    finally:
        engine.dispose()


def _runs(url: str) -> list[tuple[str, int, int]]:
    engine = connect(url)
    try:
        with transaction(engine) as session:
            return [
                (run.outcome, run.claims_synced, run.claims_total)
                for run in session.scalars(select(SyncRun).order_by(SyncRun.id))
            ]
    finally:
        engine.dispose()


def test_signals_at_random_moments_always_stop_the_sync_and_close_its_run(
    tracker: Tracker,
    registry: FakeCtgov,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference = synced_reference(tracker, registry, database_url, tmp_path, monkeypatch)
    timed = spawn_sync(database_url, registry, "--full")
    wait_for(registry, _listings(registry) + 1, timed)
    started = time.monotonic()
    assert timed.wait(timeout=60) == 0
    duration = time.monotonic() - started

    moments = random.Random(15)
    interrupted = 0
    outcomes: list[str] = []
    for attempt in range(ATTEMPTS):
        signum = (signal.SIGINT, signal.SIGTERM)[attempt % 2]
        _forget_syncs(database_url)
        process = spawn_sync(database_url, registry, "--full")
        wait_for(registry, _listings(registry) + 1, process)
        time.sleep(moments.uniform(0, duration * 0.6))  # exiting takes the rest
        if process.poll() is not None:
            outcomes.append("finished")
            assert process.communicate()[1] == ""
            continue
        process.send_signal(signum)
        _, err = process.communicate(timeout=30)
        if process.returncode == -signum:  # landed while Python was shutting down
            assert err == ""
            assert _runs(database_url)[-1][0] == "succeeded"
            outcomes.append("shutdown")
            continue
        interrupted += 1
        outcomes.append("interrupted")
        assert process.returncode == 128 + signum, err
        assert err.splitlines()[-1] == "tracker: interrupted", err
        assert "Traceback" not in err
        assert "Exception ignored" not in err
        runs = _runs(database_url)
        assert all(outcome != "running" for outcome, _, _ in runs)
        if runs:
            outcome, synced, total = runs[-1]
            assert outcome == "interrupted" or (outcome == "succeeded" and synced == total)
    assert interrupted >= ATTEMPTS // 4, (outcomes, duration)

    assert tracker("sync", "--quiet").status == 0
    assert state(database_url) == state(reference)


def test_a_signal_just_after_the_run_is_recorded_still_closes_it(
    tracker: Tracker,
    registry: FakeCtgov,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert tracker("claims", "load", str(write_claims(tmp_path))).status == 0
    recorded = sync_run._Run._start

    def recorded_then_interrupted(self: object, claims: int) -> object:
        recorded(self, claims)
        raise KeyboardInterrupt

    monkeypatch.setattr(sync_run._Run, "_start", recorded_then_interrupted)
    engine = connect(database_url)
    with CtgovClient(registry.url, rate_limit=None) as client, pytest.raises(KeyboardInterrupt):
        sync_run.sync(engine, client, clock=lambda: datetime.now(UTC))
    engine.dispose()
    assert [outcome for outcome, _, _ in _runs(database_url)] == ["interrupted"]
