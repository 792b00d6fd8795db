"""The SQL examples in the README run, on SQLite and PostgreSQL, and answer sensibly."""

from __future__ import annotations

from conftest import Tracker
from readme_sql import QUERIES
from sqlalchemy import text

from db.engine import connect


def test_readme_has_its_example_queries() -> None:
    assert len(QUERIES) == 7


def test_every_readme_query_runs_and_finds_what_it_says(
    evidence_db: Tracker,
    database_url: str,
) -> None:
    engine = connect(database_url)
    with engine.connect() as connection:
        answers = [connection.execute(text(query)).all() for query in QUERIES[:4]]
    engine.dispose()
    results, only_ongoing, flagged, stopped = answers
    assert [tuple(row) for row in results] == [("results", "NCT00000050", "2026-11-24")]
    assert only_ongoing == []
    assert [tuple(row) for row in flagged] == [
        ("results", 2),
        ("all-stopped", 1),
        ("ongoing", 1),
        ("planned", 1),
    ]
    assert sorted(row[1] for row in stopped) == ["NCT00000010", "NCT00000011", "NCT00000041"]
