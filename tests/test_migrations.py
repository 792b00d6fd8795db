"""The schema is built by the migrations alone, and they agree with the models."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from db.engine import connect
from db.errors import SchemaMismatch
from db.migrate import downgrade, head_revision, upgrade
from db.models import Base
from db.revision import HEAD, current_revision, ensure_schema


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    """An engine on a database these tests migrate from empty (not the session's copy)."""
    engine = connect(empty_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_matches_the_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert _differences(engine) == []


def test_downgrade_to_base_then_upgrade_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert _tables(engine) == set()
    upgrade(engine)
    assert _tables(engine) == set(Base.metadata.tables)
    assert _differences(engine) == []


def test_ensure_schema_migrates_an_empty_database(empty_database_url: str) -> None:
    engine = connect(empty_database_url)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_ensure_schema_refuses_a_database_from_a_newer_tracker(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    with pytest.raises(SchemaMismatch, match="newer version"):
        ensure_schema(engine)


def test_ensure_schema_asks_for_an_explicit_upgrade_of_an_older_schema(engine: Engine) -> None:
    downgrade(engine, "0001")
    with pytest.raises(
        SchemaMismatch, match=r"is at schema revision 0001.*run `tracker db upgrade`"
    ):
        ensure_schema(engine)
    upgrade(engine)
    ensure_schema(engine)


def test_head_constant_names_the_newest_migration() -> None:
    assert head_revision() == HEAD
