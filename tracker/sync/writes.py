"""The one way the sync writes: Core statements, many rows per statement.

The sync writes thousands of rows per claim; ORM units of work would track each of them.
Every write of `tracker.sync` goes through these helpers, on the claim's connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam

from db.models import Base


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_rows(connection: Connection, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts of column values) in one statement."""
    if rows:
        connection.execute(table_of(model).insert(), list(rows))


def update_rows(connection: Connection, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Update rows found by their primary key (each dict holds it) in one statement; every
    dict sets the same columns."""
    if not rows:
        return
    table = table_of(model)
    keys = [column.name for column in table.primary_key.columns]
    values = [name for name in rows[0] if name not in keys]
    statement = (
        table.update()
        .where(and_(*(table.c[k] == bindparam(f"key_{k}", type_=table.c[k].type) for k in keys)))
        .values({n: bindparam(f"new_{n}", type_=table.c[n].type) for n in values})
    )
    connection.execute(
        statement,
        [
            {
                **{f"key_{key}": row[key] for key in keys},
                **{f"new_{name}": row[name] for name in values},
            }
            for row in rows
        ],
    )
