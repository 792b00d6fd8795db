"""The README's SQL examples, for the tests that check they answer what they say."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text

from db.engine import connect

README = Path(__file__).resolve().parent.parent / "README.md"
QUERIES = re.findall(r"```sql\n(.*?)```", README.read_text(), flags=re.DOTALL)


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
