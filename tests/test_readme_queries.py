"""The SQL examples in the README run, on SQLite and PostgreSQL, and answer sensibly."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import Tracker
from sqlalchemy import text

from db.engine import connect

README = Path(__file__).resolve().parent.parent / "README.md"
QUERIES = re.findall(r"```sql\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_has_its_example_queries() -> None:
    assert len(QUERIES) == 6


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


def readme_queries_on(database_url: str, first: int) -> list[list[tuple[object, ...]]]:
    """The answers of the README's queries from the `first`th on, for the tests of the
    features they show."""
    engine = connect(database_url)
    with engine.connect() as connection:
        answers = [
            [tuple(row) for row in connection.execute(text(query))] for query in QUERIES[first:]
        ]
    engine.dispose()
    return answers
