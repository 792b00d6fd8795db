"""Reads without SQLAlchemy: a plain DB-API connection for the commands people run most.

`tracker status`, `flags` and `trials` should answer in about the time a bare interpreter
takes to import the driver and run the query, and importing SQLAlchemy alone takes longer
than that. `open_reader` connects with `sqlite3` or psycopg directly, but only to a database
already at this code's schema revision (`db.revision.HEAD`) and named by a URL it reads
exactly as SQLAlchemy would; for anything else it returns None and the caller takes the
engine's path, which migrates an empty database and explains any other revision. Both paths
run the same SQL text (`:name` parameters, as SQLAlchemy's `text()` takes them), so their
rows agree; `db.engine.CoreReader` is the engine's side.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from itertools import repeat
from types import ModuleType, TracebackType
from typing import Any, Protocol

from db.dbapi import SQLITE_BUSY_TIMEOUT_MS, configure_sqlite, driver_error, masked
from db.revision import HEAD, VERSION_TABLE

SQLITE_PREFIXES = ("sqlite:///", "sqlite+pysqlite:///")
POSTGRES_SCHEME = "postgresql+psycopg"


class Reader(Protocol):
    """Rows of a SQL text query, as dicts by column name, or its columns by name."""

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...

    def columns(
        self, sql: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, list[Any]]: ...


def as_columns(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    """Each column's values in row order, by name."""
    if not rows:
        return {name: [] for name in names}
    return dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))


class DbapiReader:
    """A read transaction on a plain DB-API connection; driver errors become `db.errors`."""

    def __init__(
        self, driver: ModuleType, connection: Any, shown_url: str, *, pyformat: bool
    ) -> None:
        self._driver, self._connection, self._shown = driver, connection, shown_url
        self._pyformat = pyformat

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        names, rows = self._fetch(sql, params)
        return list(map(dict, map(zip, repeat(names), rows)))

    def columns(self, sql: str, params: Mapping[str, Any] | None = None) -> dict[str, list[Any]]:
        return as_columns(*self._fetch(sql, params))

    def _fetch(
        self, sql: str, params: Mapping[str, Any] | None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The query's column names and every row, as the driver gives them."""
        with _Translated(self._driver, self._shown):
            cursor = self._connection.cursor()
            try:
                cursor.execute(_pyformat(sql) if self._pyformat else sql, params or {})
                return [column[0] for column in cursor.description], cursor.fetchall()
            finally:
                cursor.close()

    def close(self) -> None:
        """End the read transaction (nothing was written) and the connection."""
        with _Translated(self._driver, self._shown):
            self._connection.close()

    def __enter__(self) -> DbapiReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Translated:
    """A block whose driver errors are raised as `db.errors` ones (worded as the engine's)."""

    def __init__(self, driver: ModuleType, shown_url: str) -> None:
        self._driver, self._shown = driver, shown_url

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        if exc is None or not isinstance(exc, self._driver.Error):
            return
        failed = (self._driver.OperationalError, self._driver.InterfaceError)
        raise driver_error(str(exc), self._shown, operational=isinstance(exc, failed)) from exc


_NAMED = re.compile(r"(?<![:\w]):(\w+)")
_CONVERTED: dict[str, str] = {}


def _pyformat(sql: str) -> str:
    """`:name` parameters as psycopg's `%(name)s`."""
    if sql not in _CONVERTED:
        _CONVERTED[sql] = _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))
    return _CONVERTED[sql]


def open_reader(url: str) -> DbapiReader | None:
    """A reader on the database at `url` if it is at `HEAD` and the URL is one this module
    reads like SQLAlchemy; None otherwise (the caller then goes through the engine)."""
    if url.startswith(SQLITE_PREFIXES):
        reader = _sqlite(url)
    elif url.startswith(f"{POSTGRES_SCHEME}://"):
        reader = _postgres(url)
    else:
        return None
    if reader is None:
        return None
    try:
        current = _revision(reader, postgres=not url.startswith(SQLITE_PREFIXES))
    except BaseException:
        reader.close()
        raise
    if current == HEAD:
        return reader
    reader.close()
    return None


def _revision(reader: DbapiReader, *, postgres: bool) -> str | None:
    if postgres:
        found = reader.rows(f"SELECT to_regclass('{VERSION_TABLE}') IS NOT NULL AS found")
    else:
        found = reader.rows(
            f"SELECT count(*) AS found FROM sqlite_master WHERE type = 'table'"
            f" AND name = '{VERSION_TABLE}'"
        )
    if not found[0]["found"]:
        return None
    rows = reader.rows(f"SELECT version_num FROM {VERSION_TABLE}")
    return rows[0]["version_num"] if len(rows) == 1 else None


def _sqlite(url: str) -> DbapiReader | None:
    """An existing file named plainly (no query, no escapes; not in memory)."""
    path = url.split(":///", 1)[1]
    if not path or path == ":memory:" or any(c in path for c in "?%#") or not os.path.isfile(path):
        return None
    import sqlite3

    shown = masked(url)
    with _Translated(sqlite3, shown):
        connection = sqlite3.connect(
            path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
    reader = DbapiReader(sqlite3, connection, shown, pyformat=False)
    try:
        with _Translated(sqlite3, shown):
            configure_sqlite(connection)
            connection.execute("BEGIN")
    except BaseException:
        reader.close()
        raise
    return reader


def _postgres(url: str) -> DbapiReader | None:
    """psycopg's connection arguments from the URL, as SQLAlchemy's psycopg dialect passes them."""
    from urllib.parse import parse_qs, unquote, urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    query = parse_qs(parts.query, keep_blank_values=True)
    if parts.fragment or "," in parts.netloc or any(len(values) > 1 for values in query.values()):
        return None
    arguments: dict[str, Any] = {name: values[0] for name, values in query.items()}
    named = {
        "host": parts.hostname,
        "port": port,
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password is not None else None,
        "dbname": unquote(parts.path[1:]) if parts.path[1:] else None,
    }
    arguments.update({name: value for name, value in named.items() if value is not None})
    try:
        import psycopg
    except ModuleNotFoundError:
        return None
    shown = masked(url)
    with _Translated(psycopg, shown):
        connection = psycopg.connect(**arguments)
    return DbapiReader(psycopg, connection, shown, pyformat=True)
