"""A named lock per database that dies with the process holding it.

PostgreSQL: a session-level advisory lock on a connection held open for the block; the
server releases it when that connection ends, however the process ended. SQLite: an
exclusive `flock` on a file beside the database file the URL resolves to (through
symlinks and relative paths); the kernel releases it when the process ends. Either way a
killed process never leaves a lock behind.

A PostgreSQL lock can be lost while held, when its connection dies: `HeldLock.check`
raises `LockLost` then, so that the holder stops before it commits anything more.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy import exc as sa_exc

from db.engine import display_url, errors_translated
from db.errors import DatabaseError, LockHeld, LockLost


class HeldLock:
    """A lock in hand; `check()` raises `LockLost` once it is no longer held."""

    def __init__(self, name: str, engine: Engine, connection: Connection | None = None) -> None:
        self.name, self.engine, self.connection = name, engine, connection
        self.lost = False

    def check(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute(text("SELECT 1")).scalar_one()
            self.connection.commit()
        except sa_exc.DBAPIError:
            self.lost = True
        if self.lost:
            raise LockLost(
                f"lost the {self.name} lock on {display_url(self.engine)} (its connection ended):"
                " stopped"
            )


def _advisory_key(name: str, scope: str) -> int:
    digest = hashlib.sha256(f"{scope}/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _postgres_lock(engine: Engine, name: str) -> Iterator[HeldLock]:
    with errors_translated(engine), engine.connect() as connection:
        scope = connection.execute(text("SELECT current_database() || '.' || current_schema()"))
        key = _advisory_key(name, scope.scalar_one())
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        connection.commit()
        if not got.scalar_one():
            raise LockHeld(f"{name} lock on {display_url(engine)} is held by another process")
        lock = HeldLock(name, engine, connection)
        try:
            yield lock
        finally:
            if not lock.lost:
                _unlock(connection, key)


def _unlock(connection: Connection, key: int) -> None:
    """Release the lock; a connection that died has released it already."""
    try:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()
    except sa_exc.DBAPIError:
        connection.invalidate()


@contextmanager
def _file_lock(path: Path, name: str, engine: Engine) -> Iterator[HeldLock]:
    try:
        handle = open(path, "a+b")  # noqa: SIM115 (closed below, after the unlock)
    except OSError as exc:
        raise DatabaseError(f"cannot create the lock file {path}: {exc.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(
                f"{name} lock on {display_url(engine)} is held by another process"
            ) from None
        try:
            yield HeldLock(name, engine)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[HeldLock]:
    """Hold the lock `name` on this database for the block, or raise `LockHeld` at once."""
    if engine.dialect.name == "postgresql":
        with _postgres_lock(engine, name) as lock:
            yield lock
        return
    path = sqlite_file(engine)
    if engine.dialect.name != "sqlite" or path is None:
        yield HeldLock(name, engine)
        return
    with _file_lock(path.with_name(f"{path.name}.{name}.lock"), name, engine) as lock:
        yield lock


def sqlite_file(engine: Engine) -> Path | None:
    """The file a SQLite URL names, symlinks and relative paths resolved; None in memory.

    A `file:` URI (`?uri=true`) names its file after `file:` and before any `?`.
    """
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    if engine.url.query.get("uri") in ("true", "1") and database.startswith("file:"):
        database = database.removeprefix("file:").split("?", 1)[0]
        if database.startswith("//"):
            database = database[2:]
        if not database or database == ":memory:":
            return None
    return Path(database).resolve()
