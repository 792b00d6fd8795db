"""Engines and transactions, with SQLAlchemy's errors turned into `db.errors` ones."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from db.errors import DatabaseError, DatabaseLocked, DatabaseUnavailable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite writer waits for another writer before giving up."""


MAX_DETAIL = 300
"""How much of a driver's message an error keeps (some echo whole statements)."""


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
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


def json_text(value: Any) -> str:
    """A JSON column's text: orjson's (a sync writes tens of thousands of such values),
    or the standard library's for what orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def json_value(text: str | bytes) -> Any:
    """A JSON column's value, read as fast as it was written."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def connect(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout."""
    try:
        parsed = make_url(url)
        engine = create_engine(
            parsed,
            pool_pre_ping=parsed.get_backend_name() != "sqlite",
            json_serializer=json_text,
            json_deserializer=json_value,
        )
    except (sa_exc.ArgumentError, ValueError) as exc:
        raise DatabaseUnavailable(
            f"bad database URL {masked(url)!r}: {str(exc).replace(url, masked(url))}"
        ) from None
    except ModuleNotFoundError as exc:
        raise DatabaseUnavailable(
            f"no driver for {url.split(':', 1)[0]!r} ({exc.name} is not installed;"
            " for PostgreSQL install the 'postgres' extra)"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    return engine


_PASSWORD = re.compile(r"(?<=://)([^/@:]*):[^/]*@")


def masked(url: str) -> str:
    """A URL as text with any password replaced by `***`, even one SQLAlchemy cannot read."""
    return _PASSWORD.sub(lambda match: f"{match.group(1)}:***@", url)


def display_url(engine: Engine) -> str:
    """The engine's URL with any password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)


def translate(exc: sa_exc.SQLAlchemyError, engine: Engine) -> DatabaseError:
    """The `db.errors` error a SQLAlchemy error stands for."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:MAX_DETAIL]
    if "database is locked" in detail or "lock timeout" in detail:
        return DatabaseLocked(f"{display_url(engine)} is locked by another process: {detail}")
    unusable = "file is not a database" in detail or "readonly database" in detail
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) or unusable:
        return DatabaseUnavailable(f"cannot use database {display_url(engine)}: {detail}")
    return DatabaseError(f"database error on {display_url(engine)}: {detail}")


@contextmanager
def errors_translated(engine: Engine) -> Iterator[None]:
    """Run a block with the driver's errors (wrapped by SQLAlchemy) raised as `db.errors` ones."""
    try:
        yield
    except sa_exc.DBAPIError as exc:
        raise translate(exc, engine) from exc


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits at the end of the block, or rolls back on any error."""
    from sqlalchemy.orm import sessionmaker

    factory = sessionmaker(engine, expire_on_commit=False)
    with errors_translated(engine), factory.begin() as session:
        yield session
