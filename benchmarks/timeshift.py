"""Moving a database's history back in time, as if its syncs had run days earlier.

The benchmark syncs everything within minutes, but a weekly digest is normally made in a
week after the first import: shifting the import a week back lets the digest of "this
week" hold what a later sync changed, and the digest of last week hold the import.
"""

from __future__ import annotations

from sqlalchemy import text

from db.engine import connect
from db.models import Base
from db.types import UTCDateTime


def shift_back(database_url: str, days: int) -> None:
    """Move every moment the tracker recorded (each `UTCDateTime` column) `days` earlier."""
    engine = connect(database_url)
    earlier = (
        f"datetime({{column}}, '-{days} days')"
        if engine.dialect.name == "sqlite"
        else f"{{column}} - interval '{days} days'"
    )
    try:
        with engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                columns = [c.name for c in table.columns if isinstance(c.type, UTCDateTime)]
                if columns:
                    moves = ", ".join(f"{c} = {earlier.format(column=c)}" for c in columns)
                    connection.execute(text(f"UPDATE {table.name} SET {moves}"))
    finally:
        engine.dispose()
