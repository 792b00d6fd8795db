"""Engines and transactions, with SQLAlchemy's errors turned into `db.errors` ones."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from db.dbapi import configure_sqlite, driver_error, masked
from db.errors import DatabaseError, DatabaseUnavailable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    configure_sqlite(dbapi_connection)


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


def display_url(engine: Engine) -> str:
    """The engine's URL with any password hidden, for messages."""
    return engine.url.render_as_string(hide_password=True)


def translate(exc: sa_exc.SQLAlchemyError, engine: Engine) -> DatabaseError:
    """The `db.errors` error a SQLAlchemy error stands for."""
    operational = isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError)
    message = str(getattr(exc, "orig", None) or exc)
    return driver_error(message, display_url(engine), operational=operational)


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


class CoreReader:
    """`db.reader.Reader` over an engine's connection: the same SQL text the plain DB-API
    reader runs, so both paths give the same rows (errors: see `errors_translated`)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        names, rows = self._fetch(sql, params)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def columns(self, sql: str, params: Mapping[str, Any] | None = None) -> dict[str, list[Any]]:
        from db.reader import as_columns

        return as_columns(*self._fetch(sql, params))

    def _fetch(self, sql: str, params: Mapping[str, Any] | None) -> tuple[list[str], list[Any]]:
        result = self.connection.execute(text(sql), dict(params or {}))
        return list(result.keys()), list(result.all())
