"""Each claim's evidence status, read from the `claim_evidence_status` view.

Core only, no ORM models: `tracker status` is the command people run most, and loading
the mapped models would cost it more than the query does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, column, select, table

from db.enums import ClaimStatus, Tier
from db.views import FLAG_COLUMNS, STATUS_GROUPS, claim_evidence_status

_claims = table("claims", column("id"), column("article_id"), column("position"))


def status_rows(connection: Connection, claim_id: str | None = None) -> list[dict[str, Any]]:
    """The view's rows in catalog order: every active claim, or the one named, active or
    retired (none when no claim has that id: the view has a row for every claim)."""
    view = claim_evidence_status
    query = select(view).join(_claims, _claims.c.id == view.c.claim_id)
    if claim_id is not None:
        query = query.where(view.c.claim_id == claim_id)
    else:
        query = query.where(view.c.claim_status == ClaimStatus.ACTIVE.value)
    order = (_claims.c.article_id, _claims.c.position, _claims.c.id)
    return [dict(row._mapping) for row in connection.execute(query.order_by(*order))]


def nested(row: dict[str, Any]) -> dict[str, Any]:
    """A view row in the JSON shape: status groups and open flags as objects."""
    return {
        "claim_id": row["claim_id"],
        "article_id": row["article_id"],
        "trials_total": row["trials_total"],
        "by_status_group": {group: row[group] for group in STATUS_GROUPS},
        "with_results": row["with_results"],
        "with_publications": row["with_publications"],
        "highest_phase": row["highest_phase"],
        "evidence_level": row["evidence_level"],
        "open_flags": {kind: row[column] for kind, column in FLAG_COLUMNS.items()},
        "last_change": row["last_change"],
        "by_tier": {tier.value: row[tier.value] for tier in Tier},
        "excluded": row["excluded"],
        "awaiting_screening": row["awaiting_screening"],
        "min_relevance": row["min_relevance"],
    }
