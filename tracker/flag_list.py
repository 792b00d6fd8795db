"""Listing flags (`tracker flags`, the desk), with plain SQL through a `db.reader.Reader`:
the command answers without loading SQLAlchemy or the ORM models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claims.lookup import claim_row
from db.dbapi import utc_datetime
from db.reader import Reader

_SELECT = (
    "SELECT f.id, f.claim_id, f.nct_id, f.kind, f.effective_on, f.reason, f.raised_at,"
    " f.acknowledged_at, f.note, s.brief_title AS title, s.overall_status AS status"
    " FROM flags f JOIN studies s ON s.nct_id = f.nct_id"
)


def flags_sql(*, by_claim: bool = False, include_acknowledged: bool = False) -> str:
    """The listing's SQL: one claim's flags (`:claim_id`) or every claim's, open ones only
    unless acknowledged are included (the benchmark's bare program runs it too)."""
    where = ["f.claim_id = :claim_id"] if by_claim else []
    if not include_acknowledged:
        where.append("f.acknowledged_at IS NULL")
    sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "")
    return f"{sql} ORDER BY f.raised_at, f.id"


def list_flags(
    reader: Reader, *, claim_id: str | None = None, include_acknowledged: bool = False
) -> list[dict[str, Any]]:
    """Open flags (or all of them), oldest first, with their study's title and status."""
    if claim_id is not None:
        claim_row(reader, claim_id)
    rows = reader.rows(
        flags_sql(by_claim=claim_id is not None, include_acknowledged=include_acknowledged),
        {"claim_id": claim_id} if claim_id is not None else {},
    )
    for row in rows:
        row["raised_at"] = utc_datetime(row["raised_at"])
        row["acknowledged_at"] = utc_datetime(row["acknowledged_at"])
    return rows


def flag_columns(
    reader: Reader,
    fields: Sequence[str],
    *,
    claim_id: str | None = None,
    include_acknowledged: bool = False,
) -> list[list[Any]]:
    """`list_flags`'s values of `fields`, column by column (the table of `tracker flags`:
    hundreds of thousands of flags at a thousand claims)."""
    if claim_id is not None:
        claim_row(reader, claim_id)
    found = reader.columns(
        flags_sql(by_claim=claim_id is not None, include_acknowledged=include_acknowledged),
        {"claim_id": claim_id} if claim_id is not None else {},
    )
    for moment in ("raised_at", "acknowledged_at"):
        if moment in fields:
            found[moment] = [utc_datetime(value) for value in found[moment]]
    return [found[field] for field in fields]
