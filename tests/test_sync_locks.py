"""One sync per database: the SQLite lock follows the file, a lost PostgreSQL lock stops."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Tracker
from scenarios import day_one, write_claims
from sqlalchemy import Engine, create_engine, func, select, text
from sync_processes import spawn_sync, wait_for

from db.engine import connect, transaction
from db.locks import LockHeld, LockLost, _advisory_key, exclusive
from db.models import ClaimStudy, ClaimSyncState, SyncRun
from tracker.cli import main
from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov, Fault
from tracker.sync import ClaimPlan, ClaimResult, sync

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def test_the_same_sqlite_file_through_a_symlink_or_relative_path_is_one_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "data" / "tracker.db"
    real.parent.mkdir()
    (tmp_path / "link.db").symlink_to(real)
    monkeypatch.chdir(tmp_path / "data")
    urls = [f"sqlite:///{real}", f"sqlite:///{tmp_path / 'link.db'}", "sqlite:///tracker.db"]
    engines = [connect(url) for url in urls]
    with exclusive(engines[0], "sync"):
        for other in engines[1:]:
            with pytest.raises(LockHeld), exclusive(other, "sync"):
                pass
    assert sorted(p.name for p in real.parent.iterdir()) == ["tracker.db.sync.lock"]


def test_a_sync_through_a_symlink_waits_for_the_one_on_the_file(
    tracker: Tracker, registry: FakeCtgov, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = f"sqlite:///{tmp_path / 'tracker.db'}"
    os.symlink(tmp_path / "tracker.db", tmp_path / "alias.db")
    monkeypatch.setenv("TRACKER_DATABASE_URL", real)
    tracker("claims", "load", str(write_claims(tmp_path)))
    day_one(registry)
    registry.inject(Fault.slow(30, path="/studies"))
    process = spawn_sync(real, registry)
    try:
        wait_for(registry, 1, process)
        monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'alias.db'}")
        second = tracker("sync")
        assert second.status == 1
        assert second.err.startswith("tracker: error: another sync is running against ")
    finally:
        process.kill()
        process.wait(timeout=10)


class _KillLockOnSecondClaim:
    """Progress that ends the lock's PostgreSQL backend when the second claim starts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim_started(self, plan: ClaimPlan, index: int, total: int) -> None:
        if index != 1:
            return
        with self.engine.connect() as connection:
            scope = connection.execute(
                text("SELECT current_database() || '.' || current_schema()")
            ).scalar_one()
            key = _advisory_key("sync", scope) & 0xFFFFFFFFFFFFFFFF
            killed = connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND classid = :high AND objid = :low"
                ),
                {"high": key >> 32, "low": key & 0xFFFFFFFF},
            ).all()
        assert killed == [(True,)]

    def page_done(self, plan: ClaimPlan, fetched: int) -> None:
        pass

    def claim_done(self, result: ClaimResult) -> None:
        pass


@pytest.mark.postgres
def test_a_sync_that_loses_its_postgres_lock_stops_and_rolls_its_claim_back(
    registry: FakeCtgov, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", postgres_url)
    assert main(["claims", "load", str(write_claims(tmp_path))]) == 0
    day_one(registry)
    engine = connect(postgres_url)
    killer = create_engine(postgres_url)
    client = CtgovClient(registry.url, rate_limit=None)
    try:
        with pytest.raises(LockLost, match="lost the sync lock"):
            sync(engine, client, clock=lambda: NOW, progress=_KillLockOnSecondClaim(killer))
        with transaction(engine) as session:
            synced = set(session.scalars(select(ClaimSyncState.claim_id)))
            linked = dict(
                session.execute(
                    select(ClaimStudy.claim_id, func.count()).group_by(ClaimStudy.claim_id)
                ).all()
            )
            run = session.scalars(select(SyncRun)).one()
        assert synced == {"liver-msc"}
        assert linked == {"liver-msc": 2}
        assert run.outcome == "interrupted"
        assert sync(engine, client, clock=lambda: NOW).failed == []
    finally:
        engine.dispose()
        killer.dispose()
