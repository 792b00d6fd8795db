"""Is the database at the schema this code needs? Answered without importing Alembic.

Every command asks this first, and Alembic takes longer to import than the question takes
to answer: `HEAD` names the newest migration (a test keeps it equal to Alembic's head),
and Alembic is imported only when there is something to migrate or to explain. SQLAlchemy
is imported on first use too: `db.reader` reads `HEAD` without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.errors import ForeignDatabase, SchemaMismatch

if TYPE_CHECKING:
    from sqlalchemy import Engine

HEAD = "0010"
"""The newest revision in `db/migrations/versions`."""

VERSION_TABLE = "alembic_version"


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from sqlalchemy import text

    from db.engine import errors_translated

    with errors_translated(engine), engine.connect() as connection:
        if not engine.dialect.has_table(connection, VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def refuse_foreign(engine: Engine) -> None:
    """Raise `ForeignDatabase` if a database without our revision table holds tables.

    Creating our tables among another application's would mix two schemas that neither
    expects; the user most likely pointed the tracker at the wrong database."""
    from sqlalchemy import inspect

    from db.engine import display_url, errors_translated

    with errors_translated(engine), engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
    if tables and VERSION_TABLE not in tables:
        shown = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
        raise ForeignDatabase(
            f"database {display_url(engine)} holds tables of another application ({shown}):"
            " point TRACKER_DATABASE_URL at an empty database or the tracker's own"
        )


def ensure_schema(engine: Engine) -> None:
    """Migrate an empty database; refuse one at another revision than this code's.

    Upgrading a database that already holds data is left to `tracker db upgrade`, so that
    a team decides when its shared database changes.
    """
    current = current_revision(engine)
    if current == HEAD:
        return
    from db import migrate
    from db.engine import display_url

    if current is None:
        refuse_foreign(engine)
        migrate.upgrade(engine)
        return
    if current in migrate.known_revisions():
        raise SchemaMismatch(
            f"database {display_url(engine)} is at schema revision {current}; this tracker needs"
            f" {HEAD}: run `tracker db upgrade`"
        )
    raise SchemaMismatch(
        f"database {display_url(engine)} is at schema revision {current}, unknown to this"
        " tracker: it was written by a newer version"
    )
