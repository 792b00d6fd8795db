"""What every command gets: settings, the database (migrated on first use), the clock.

The database stack (SQLAlchemy, the engine, migrations) is imported on first use, so
`tracker --version` and `--help` answer without it, and the read commands (`reads`) go
without it whenever the database is ready."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from tracker.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

    from db.reader import Reader


class Context:
    """A plain class, not a dataclass: `dataclasses` would be a tenth of a read command's
    start-up."""

    def __init__(
        self, settings: Settings, out: TextIO | None = None, err: TextIO | None = None
    ) -> None:
        self.settings = settings
        self.out = sys.stdout if out is None else out
        self.err = sys.stderr if err is None else err
        self._engine: Engine | None = None

    def engine(self, *, migrate: bool = True) -> Engine:
        """The database engine; an empty database is migrated before first use."""
        if self._engine is None:
            from tracker.compose import open_engine

            self._engine = open_engine(self.settings, migrate=migrate)
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        from db.engine import transaction

        with transaction(self.engine()) as session:
            yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection in a transaction, for commands that need no ORM models."""
        from db.engine import errors_translated

        engine = self.engine()
        with errors_translated(engine), engine.begin() as connection:
            yield connection

    @contextmanager
    def reads(self) -> Iterator[Reader]:
        """A read-only view for the read commands: a plain DB-API connection when the
        database is ready (`db.reader`), else a Core connection, which migrates an empty
        database or refuses one at another revision exactly as every command does."""
        from db.reader import open_reader

        reader = open_reader(self.settings.database_url) if self._engine is None else None
        if reader is None:
            from db.engine import CoreReader

            with self.connection() as connection:
                yield CoreReader(connection)
            return
        with reader:
            yield reader

    def now(self) -> datetime:
        """The current time in the configured zone; the only clock commands read."""
        return datetime.now(self.settings.zone)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
