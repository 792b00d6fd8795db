"""A claim's own row read with plain SQL, for the read commands that load no ORM models."""

from __future__ import annotations

from typing import Any

from claims.errors import UnknownClaim
from db.reader import Reader


def claim_row(reader: Reader, claim_id: str) -> dict[str, Any]:
    """The claim's id, status and `min_relevance`; `UnknownClaim` when there is none."""
    rows = reader.rows(
        "SELECT id, status, min_relevance FROM claims WHERE id = :claim_id", {"claim_id": claim_id}
    )
    if not rows:
        raise UnknownClaim(claim_id)
    return rows[0]
