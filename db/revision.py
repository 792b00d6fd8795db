"""Is the database at the schema this code needs? Answered without importing Alembic.

Every command asks this first, and Alembic takes longer to import than the question takes
to answer: `HEAD` names the newest migration (a test keeps it equal to Alembic's head),
and Alembic is imported only when there is something to migrate or to explain.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from db.engine import describe, errors_translated
from db.errors import SchemaMismatch

HEAD = "0008"
"""The newest revision in `db/migrations/versions`."""

VERSION_TABLE = "alembic_version"


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with errors_translated(engine), engine.connect() as connection:
        if not engine.dialect.has_table(connection, VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def ensure_schema(engine: Engine) -> None:
    """Migrate an empty database; refuse one at another revision than this code's.

    Upgrading a database that already holds data is left to `tracker db upgrade`, so that
    a team decides when its shared database changes.
    """
    current = current_revision(engine)
    if current == HEAD:
        return
    from db import migrate

    if current is None:
        migrate.upgrade(engine)
        return
    if current in migrate.known_revisions():
        raise SchemaMismatch(
            f"database {describe(engine)} is at schema revision {current}; this tracker needs"
            f" {HEAD}: run `tracker db upgrade`"
        )
    raise SchemaMismatch(
        f"database {describe(engine)} is at schema revision {current}, unknown to this"
        " tracker: it was written by a newer version"
    )
