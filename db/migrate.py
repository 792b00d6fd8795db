"""Alembic, driven from code: the migrations ship inside this package (`db:migrations`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from db.engine import display_url, errors_translated
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


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to `revision`, in one transaction where the backend allows."""
    try:
        with errors_translated(engine), engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    except CommandError as exc:
        raise SchemaMismatch(f"cannot migrate {display_url(engine)}: {exc}") from None


def downgrade(engine: Engine, revision: str = "base") -> None:
    with errors_translated(engine), engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def known_revisions() -> set[str]:
    """Every revision the migrations know, old and new."""
    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
