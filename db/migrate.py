"""Alembic, driven from code: the migrations ship inside this package (`db:migrations`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from db.engine import describe, errors_translated
from db.errors import SchemaMismatch


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for our migrations, bound to `connection` if given."""
    config = Config()
    config.set_main_option("script_location", "db:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "db/migrations has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with errors_translated(engine), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to `revision`, in one transaction where the backend allows."""
    with errors_translated(engine), engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with errors_translated(engine), engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def ensure_schema(engine: Engine) -> None:
    """Migrate an empty database; refuse one at another revision than this code's.

    Upgrading a database that already holds data is left to `tracker db upgrade`, so that
    a team decides when its shared database changes.
    """
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    if current is None:
        upgrade(engine)
        return
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if current in known:
        raise SchemaMismatch(
            f"database {describe(engine)} is at schema revision {current}; this tracker needs"
            f" {head}: run `tracker db upgrade`"
        )
    raise SchemaMismatch(
        f"database {describe(engine)} is at schema revision {current}, unknown to this"
        " tracker: it was written by a newer version"
    )
