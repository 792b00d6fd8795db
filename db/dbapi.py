"""What the engine and the plain DB-API reader share: SQLite's settings, URLs shown with
their password hidden, and a driver's error as a `db.errors` one.

No SQLAlchemy here: `db.reader` opens connections without it, and both paths must set up
SQLite and word their errors alike.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from db.errors import DatabaseError, DatabaseLocked, DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another writer before giving up."""

MAX_DETAIL = 300
"""How much of a driver's message an error keeps (some echo whole statements)."""


def configure_sqlite(dbapi_connection: Any) -> None:
    """Foreign keys, a wait for other writers, and WAL with `synchronous = NORMAL`.

    In WAL mode NORMAL syncs at checkpoints rather than at every commit: a sync commits once
    per claim, and a crash or power cut can lose only the last commits, never corrupt the
    file; the next sync redoes those claims.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


_PASSWORD = re.compile(r"(?<=://)([^/@:]*):[^/]*@")


def masked(url: str) -> str:
    """A URL as text with any password replaced by `***`, even one SQLAlchemy cannot read."""
    return _PASSWORD.sub(lambda match: f"{match.group(1)}:***@", url)


def driver_error(message: str, shown_url: str, *, operational: bool) -> DatabaseError:
    """The `db.errors` error a driver's message stands for; `operational` when the driver
    raised its OperationalError or InterfaceError (the database could not be used)."""
    detail = (message.strip().splitlines() or [""])[0][:MAX_DETAIL]
    if "database is locked" in detail or "lock timeout" in detail:
        return DatabaseLocked(f"{shown_url} is locked by another process: {detail}")
    unusable = "file is not a database" in detail or "readonly database" in detail
    if operational or unusable:
        return DatabaseUnavailable(f"cannot use database {shown_url}: {detail}")
    return DatabaseError(f"database error on {shown_url}: {detail}")


def utc_datetime(value: Any) -> datetime | None:
    """A stored UTC time as `db.types.UTCDateTime` returns it: aware, in UTC. SQLite's
    driver gives the text SQLAlchemy wrote, PostgreSQL's an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return _from_text(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@lru_cache(maxsize=1024)
def _from_text(text: str) -> datetime:
    """SQLite's stored text as an aware UTC time; cached, as the flags of one sync share
    their time and a listing converts thousands."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
