"""The one way the sync writes: Core statements, many rows per statement.

The sync writes thousands of rows per claim; ORM units of work would track each of them.
Every write of `tracker.sync` goes through these helpers, on the claim's connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table, and_, bindparam

from db.models import Base


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_rows(connection: Connection, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts of column values, all with the same keys) in one statement.

    On SQLite the statement is compiled once per table and set of columns and the rows go
    to the driver's `executemany` as tuples, each value through its column type's own bind
    processor: Core's per-row parameter building was a tenth of a first sync. PostgreSQL
    keeps Core's path, whose multi-row VALUES batches are faster there than executemany."""
    if not rows:
        return
    table = table_of(model)
    if connection.dialect.name == "sqlite":
        fast = _positional_insert(table, connection.dialect, tuple(rows[0]))
        if fast is not None:
            connection.exec_driver_sql(fast.sql, fast.parameters(rows))
            return
    connection.execute(table.insert(), list(rows))


@dataclass(frozen=True)
class _PositionalInsert:
    """An INSERT's SQL with `?` placeholders, its columns in order, and which of them go
    through a bind processor."""

    sql: str
    columns: tuple[str, ...]
    processed: tuple[tuple[int, Callable[[Any], Any]], ...]

    def parameters(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        values = list(map(itemgetter(*self.columns), rows))
        if not self.processed:
            return values
        by_column = list(zip(*values, strict=True))
        for index, process in self.processed:
            by_column[index] = tuple(map(process, by_column[index]))
        return list(zip(*by_column, strict=True))


@lru_cache(maxsize=64)
def _positional_insert(
    table: Table, dialect: Dialect, columns: tuple[str, ...]
) -> _PositionalInsert | None:
    """The statement for rows of these columns; None when Core must build it per row
    (a column filled by a Python-side default, or fewer than two columns)."""
    compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup or ())
    if len(columns) < 2 or compiled.insert_prefetch or sorted(order) != sorted(columns):
        return None
    processed = tuple(
        (index, process)
        for index, name in enumerate(order)
        if (process := table.c[name].type.bind_processor(dialect)) is not None
    )
    return _PositionalInsert(compiled.string, order, processed)


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
