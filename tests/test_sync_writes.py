"""The sync's bulk insert gives the rows Core gives: every column type, both databases,
and Core's own path where a column needs a Python-side default."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from db.models import Study
from tracker.ctgov import parse_study
from tracker.sync import writes
from tracker.sync.study_rows import study_row

RECORDS = Path(__file__).parent / "data" / "relevance" / "records"
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _rows() -> list[dict[str, Any]]:
    paths = sorted(RECORDS.glob("*.json"))[:12]
    rows = [study_row(parse_study(json.loads(path.read_text(encoding="utf-8")))) for path in paths]
    return [{**row, "first_seen_at": NOW, "updated_at": NOW} for row in rows]


def _stored(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        found = connection.execute(select(Study.__table__)).mappings()
        return {row["nct_id"]: dict(row) for row in found}


def _core(engine: Engine, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    with engine.begin() as connection:
        connection.execute(Study.__table__.insert(), rows)
    stored = _stored(engine)
    with engine.begin() as connection:
        connection.execute(Study.__table__.delete())
    return stored


def test_bulk_inserted_studies_read_back_as_core_inserts_them(engine: Engine) -> None:
    rows = _rows()
    expected = _core(engine, rows)

    with engine.begin() as connection:
        writes.insert_rows(connection, Study, rows)

    assert _stored(engine) == expected
    assert len(expected) == len(rows)


def test_sqlite_inserts_go_to_the_driver_as_tuples(engine: Engine) -> None:
    columns = tuple(_rows()[0])
    compiled = writes._positional_insert(Study.__table__, engine.dialect, columns)

    if engine.dialect.name == "sqlite":
        assert compiled is not None
        assert compiled.sql.startswith("INSERT INTO studies (")
        assert {name for name, _ in zip(compiled.columns, columns, strict=True)} == set(columns)
        assert compiled.processed


def test_rows_that_leave_a_defaulted_column_out_take_cores_path(engine: Engine) -> None:
    rows = [{k: v for k, v in row.items() if k != "fields_version"} for row in _rows()]

    with engine.begin() as connection:
        writes.insert_rows(connection, Study, rows)

    assert writes._positional_insert(Study.__table__, engine.dialect, tuple(rows[0])) is None
    assert {row["fields_version"] for row in _stored(engine).values()} == {0}
