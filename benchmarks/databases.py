"""Fresh, empty databases for one measurement each: SQLite files or PostgreSQL databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url


class Databases(Protocol):
    """Where a benchmark gets an empty database, dropped again when it is done."""

    name: str

    def fresh(self, label: str) -> AbstractContextManager[str]: ...


@dataclass(frozen=True)
class SqliteFiles:
    """New SQLite files in a folder."""

    folder: Path
    name: str = "sqlite"

    @contextmanager
    def fresh(self, label: str) -> Iterator[str]:
        self._remove(label)
        try:
            yield f"sqlite:///{self.folder / label}.db"
        finally:
            self._remove(label)

    def _remove(self, label: str) -> None:
        for path in self.folder.glob(f"{label}.db*"):
            path.unlink()


def _unique_prefix() -> str:
    """Names no other run on the same server uses: this process's id is in them."""
    return f"tracker_benchmark_{os.getpid()}"


@dataclass(frozen=True)
class PostgresServer:
    """New databases on the server of `url` (whose own database is only connected to),
    named `PREFIX_LABEL`, so that runs side by side on one server do not drop each other's."""

    url: str
    name: str = "postgres"
    prefix: str = field(default_factory=_unique_prefix)

    @contextmanager
    def fresh(self, label: str) -> Iterator[str]:
        database = f"{self.prefix}_{label.replace('-', '_')}"
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            self._drop(admin, database)
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{database}"'))
            yield make_url(self.url).set(database=database).render_as_string(hide_password=False)
        finally:
            self._drop(admin, database)
            admin.dispose()

    @staticmethod
    def _drop(admin: Engine, database: str) -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
