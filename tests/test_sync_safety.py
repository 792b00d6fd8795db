"""A sync is all-or-nothing per claim, survives being killed, and runs one at a time."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Tracker
from ctgov_builders import make_study, nct
from scenarios import LIVER, day_one, write_claims
from sqlalchemy import Engine, func, select
from sync_helpers import state
from sync_processes import spawn_sync, synced_reference, wait_for

from db.engine import connect, transaction
from db.models import ClaimStudy, ClaimSyncState, SyncRun
from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov, Fault
from tracker.sync import sync

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def _engine(url: str) -> Iterator[Engine]:
    engine = connect(url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine_of(database_url: str) -> Iterator[Engine]:
    yield from _engine(database_url)


def _links(engine: Engine, claim_id: str) -> int:
    with transaction(engine) as session:
        return (
            session.scalar(
                select(func.count()).select_from(ClaimStudy).where(ClaimStudy.claim_id == claim_id)
            )
            or 0
        )


def _runs(engine: Engine) -> list[tuple[str, int, int]]:
    with transaction(engine) as session:
        return [
            (run.outcome, run.claims_synced, run.claims_failed)
            for run in session.scalars(select(SyncRun).order_by(SyncRun.id))
        ]


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def test_api_failure_mid_claim_rolls_that_claim_back_and_the_others_sync(
    tracker: Tracker, registry: FakeCtgov, engine_of: Engine, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path)))
    day_one(registry)
    registry.put_study(make_study(nct(7), **LIVER))
    registry.inject(Fault.slow(0, path="/studies"))
    registry.inject(Fault.unavailable(retry_after=0, path="/studies"), times=3)
    client = CtgovClient(registry.url, rate_limit=None, page_size=2, max_attempts=3)

    report = sync(engine_of, client, clock=lambda: NOW)

    assert [(r.claim_id, r.error is None) for r in report.results] == [
        ("liver-msc", False),
        ("myeloma-asct", True),
        ("aml-allo", True),
    ]
    assert "after 3 attempts" in (report.failed[0].error or "")
    assert report.results[0].fetched == 2
    assert _links(engine_of, "liver-msc") == 0
    assert _links(engine_of, "myeloma-asct") == 2
    with transaction(engine_of) as session:
        assert session.get(ClaimSyncState, "liver-msc") is None
    assert _runs(engine_of) == [("partial", 2, 1)]

    again = sync(engine_of, client, clock=lambda: NOW)
    assert [(r.claim_id, r.mode) for r in again.results] == [
        ("liver-msc", "full"),
        ("myeloma-asct", "unchanged"),
        ("aml-allo", "unchanged"),
    ]
    assert _links(engine_of, "liver-msc") == 3


def test_failed_claims_exit_1_with_one_line_each(
    tracker: Tracker, registry: FakeCtgov, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path)))
    registry.inject(Fault.unavailable(retry_after=0, path="/studies"), times=5 * 3)
    result = tracker("sync", "--quiet")
    assert result.status == 1
    lines = result.err.splitlines()
    assert [line.split(":")[1] for line in lines] == [
        " claim liver-msc failed",
        " claim myeloma-asct failed",
        " claim aml-allo failed",
    ]
    assert all("no usable answer after 5 attempts; last: HTTP 503" in line for line in lines)


def test_killed_sync_reruns_to_the_state_of_an_uninterrupted_one(
    tracker: Tracker,
    registry: FakeCtgov,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference = synced_reference(tracker, registry, database_url, tmp_path, monkeypatch)

    registry.inject(Fault.slow(0, path="/studies"), times=2)
    registry.inject(Fault.slow(30, path="/studies"))
    before = sum(path == "/studies" for path, _ in registry.requests)
    process = spawn_sync(database_url, registry)
    wait_for(registry, before + 3, process)
    _kill(process)

    engine = next(_engine(database_url))
    assert _links(engine, "liver-msc") == 2
    assert _links(engine, "myeloma-asct") == 0
    assert _runs(engine) == [("running", 0, 0)]
    assert tracker("sync", "--quiet").status == 0
    assert _runs(engine) == [("interrupted", 0, 0), ("succeeded", 3, 0)]
    engine.dispose()
    assert state(database_url) == state(reference)


def test_two_syncs_cannot_run_at_once_and_a_killed_one_leaves_no_lock(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path)))
    day_one(registry)
    registry.inject(Fault.slow(30, path="/studies"))
    process = spawn_sync(database_url, registry)
    wait_for(registry, 1, process)

    second = tracker("sync")
    assert second.status == 1
    assert second.err.startswith("tracker: error: another sync is running against ")
    assert second.err.count("\n") == 1

    _kill(process)
    assert tracker("sync", "--quiet").status == 0


def test_rerun_with_nothing_changed_upstream_writes_nothing(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path)))
    day_one(registry)
    tracker("sync")
    before = state(database_url)
    full = tracker("sync", "--full", "--format", "json")
    assert full.status == 0
    assert '"links_created": 0' in full.out
    assert '"events_created": 0' in full.out
    assert '"flags_created": 0' in full.out
    assert state(database_url) == before


def test_sigterm_rolls_back_the_claim_in_flight_and_closes_the_run(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path)))
    day_one(registry)
    registry.inject(Fault.slow(0, path="/studies"))
    registry.inject(Fault.slow(30, path="/studies"))
    process = spawn_sync(database_url, registry)
    wait_for(registry, 2, process)

    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 143
    assert err == "tracker: interrupted\n"
    engine = next(_engine(database_url))
    assert (_links(engine, "liver-msc"), _links(engine, "myeloma-asct")) == (2, 0)
    assert _runs(engine) == [("interrupted", 1, 0)]
    engine.dispose()


def test_an_unavailable_api_stops_the_run_after_two_failures_in_a_row(
    tracker: Tracker, engine_of: Engine, registry: FakeCtgov, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path)))
    registry.inject(Fault.unavailable(path="/studies"), times=10)
    client = CtgovClient(registry.url, rate_limit=None, sleep=lambda _: None)

    report = sync(engine_of, client, clock=lambda: NOW)

    down = "no usable answer after 5 attempts; last: HTTP 503 Service Unavailable"
    assert client.requests_made == 1 + 5 + 5
    assert [(r.outcome, r.error) for r in report.results] == [
        (
            "failed",
            f'{down} (GET /studies [query.cond="hepatocellular carcinoma";'
            ' query.intr="mesenchymal stem cells"; page 1])',
        ),
        (
            "failed",
            f'{down} (GET /studies [query.cond="multiple myeloma";'
            ' query.intr="autologous stem cell transplantation"; page 1])',
        ),
        ("not tried", f"not tried: ClinicalTrials.gov is unavailable ({down})"),
    ]
    assert _runs(engine_of) == [("failed", 0, 3)]
