"""A named lock per database that dies with the process holding it.

PostgreSQL: a session-level advisory lock on a connection held open for the block; the
server releases it when that connection ends, however the process ended. SQLite: an
exclusive `flock` on a file beside the database; the kernel releases it when the process
ends. Either way a killed process never leaves a lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from db.engine import display_url, errors_translated
from db.errors import LockHeld


def _advisory_key(name: str, scope: str) -> int:
    digest = hashlib.sha256(f"{scope}/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _postgres_lock(engine: Engine, name: str) -> Iterator[None]:
    with errors_translated(engine), engine.connect() as connection:
        scope = connection.execute(text("SELECT current_database() || '.' || current_schema()"))
        key = _advisory_key(name, scope.scalar_one())
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        connection.commit()
        if not got.scalar_one():
            raise LockHeld(f"{name} lock on {display_url(engine)} is held by another process")
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


@contextmanager
def _file_lock(path: Path, name: str, engine: Engine) -> Iterator[None]:
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(
                f"{name} lock on {display_url(engine)} is held by another process"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock `name` on this database for the block, or raise `LockHeld` at once."""
    if engine.dialect.name == "postgresql":
        with _postgres_lock(engine, name):
            yield
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with _file_lock(Path(f"{database}.{name}.lock"), name, engine):
        yield
