"""A database of another application is left alone; a full disk still closes the run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import Tracker
from scenarios import day_one, write_claims
from sqlalchemy import Engine, create_engine, event, inspect, select, text

from db.engine import connect, transaction
from db.models import SyncRun
from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov
from tracker.sync import sync

COMMANDS = [
    ("db", "upgrade"),
    ("claims", "load"),
    ("claims", "list"),
    ("claims", "show", "liver-msc"),
    ("sync",),
    ("status",),
    ("flags",),
    ("flags", "ack", "--all"),
    ("digest", "--week", "2026-W48", "--out", "-"),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_a_database_of_another_application(
    tracker_on_empty: Tracker, empty_database_url: str, command: tuple[str, ...]
) -> None:
    tracker = tracker_on_empty
    other = create_engine(empty_database_url)
    with other.begin() as connection:
        connection.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)"))
        connection.execute(text("INSERT INTO customers VALUES (1, 'Ada')"))

    result = tracker(*command)

    assert result.status == 2
    assert result.err.splitlines() == [
        f"tracker: error: database {other.url.render_as_string(hide_password=True)} holds"
        " tables of another application (customers): point TRACKER_DATABASE_URL at an empty"
        " database or the tracker's own"
    ]
    with other.connect() as connection:
        assert inspect(connection).get_table_names() == ["customers"]
    other.dispose()


def test_a_full_disk_when_the_run_is_recorded_still_records_its_outcome(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path)))
    day_one(registry)
    engine: Engine = connect(database_url)
    full = engine.dialect.dbapi.OperationalError  # type: ignore[union-attr]
    refused: list[str] = []

    def disk_full_once(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE sync_runs SET finished_at") and not refused:
            refused.append(statement)
            raise full("database or disk is full")

    event.listen(engine, "before_cursor_execute", disk_full_once)
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    try:
        report = sync(engine, CtgovClient(registry.url, rate_limit=None), clock=lambda: now)
        with transaction(engine) as session:
            run = session.scalars(select(SyncRun)).one()
    finally:
        engine.dispose()
    assert refused
    assert report.failed == []
    assert (run.outcome, run.claims_synced, run.finished_at) == ("succeeded", 3, now)
