"""Studies the registry merged: an old NCT id now listed in a new record's `nctIdAliases`.

The stored study takes the new id, and its links, events and flags follow it, so the
change reads as what it is rather than as "no longer matching" plus a new trial. Where the
new id already has a link or flag of the same claim (and kind), the old one gives way.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, delete, select, update

from db.models import ClaimStudy, Flag, Study, StudyEvent
from tracker.ctgov.records import StudyRecord
from tracker.sync.writes import insert_rows, table_of


def follow_merges(connection: Connection, records: Mapping[str, StudyRecord]) -> set[str]:
    """Move stored studies merged into a fetched one to its new id; the claims whose links
    moved (their trial counts change)."""
    aliases = {
        old: new
        for new, record in records.items()
        for old in record.aliases
        if old != new and old not in records
    }
    if not aliases:
        return set()
    studies = table_of(Study)
    merged = {
        row["nct_id"]: dict(row)
        for row in connection.execute(
            select(studies).where(studies.c.nct_id.in_(sorted(aliases)))
        ).mappings()
    }
    if not merged:
        return set()
    present = set(
        connection.scalars(
            select(studies.c.nct_id).where(studies.c.nct_id.in_({aliases[o] for o in merged}))
        )
    )
    moved: set[str] = set()
    for old, row in sorted(merged.items()):
        new = aliases[old]
        if new not in present:
            insert_rows(connection, Study, [{**row, "nct_id": new}])
            present.add(new)
        moved |= _move_references(connection, old, new)
        connection.execute(delete(studies).where(studies.c.nct_id == old))
    return moved


def _move_references(connection: Connection, old: str, new: str) -> set[str]:
    links, flags, events = table_of(ClaimStudy), table_of(Flag), table_of(StudyEvent)
    kept = set(connection.scalars(select(links.c.claim_id).where(links.c.nct_id == new)))
    moving = [
        {**row, "nct_id": new}
        for row in connection.execute(select(links).where(links.c.nct_id == old)).mappings()
        if row["claim_id"] not in kept
    ]
    insert_rows(connection, ClaimStudy, moving)
    taken = select(flags.c.claim_id, flags.c.kind).where(flags.c.nct_id == new)
    taken_pairs = {(row.claim_id, row.kind) for row in connection.execute(taken)}
    for row in connection.execute(
        select(flags.c.id, flags.c.claim_id, flags.c.kind).where(flags.c.nct_id == old)
    ).all():
        same = flags.c.id == row.id
        if (row.claim_id, row.kind) in taken_pairs:
            connection.execute(delete(flags).where(same))
        else:
            connection.execute(update(flags).where(same).values(nct_id=new))
    connection.execute(delete(links).where(links.c.nct_id == old))
    connection.execute(update(events).where(events.c.nct_id == old).values(nct_id=new))
    return {row["claim_id"] for row in moving}
