"""Counting a claim's matching trials by status group, for the evidence-status view.

The view reads `claim_trial_counts` instead of joining every link to its study, which at
a thousand claims is most of the time `tracker status` takes. The sync refreshes a claim's
row in the transaction that changes its links or the studies linked to it, so the counts
are never older than the links. The SQL is written from `db.views.STATUS_GROUPS`, the one
list of which status belongs to which group.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import Connection, bindparam, text

from db.views import STATUS_GROUPS, UNKNOWN_GROUP


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


_GROUP_CASE = "\n".join(
    f"        WHEN studies.overall_status IN ({_sql_list(statuses)}) THEN '{group}'"
    for group, statuses in STATUS_GROUPS.items()
    if statuses
)

_GROUP_SUMS = "\n".join(
    f"    SUM(CASE WHEN status_group = '{group}' THEN 1 ELSE 0 END)," for group in STATUS_GROUPS
)

TRIALS = f"""
SELECT
    links.claim_id,
    CASE
{_GROUP_CASE}
        ELSE '{UNKNOWN_GROUP}'
    END AS status_group,
    CASE WHEN studies.has_results OR studies.results_first_posted IS NOT NULL
        THEN 1 ELSE 0 END AS with_results,
    studies.phase_rank,
    studies.last_update_posted
FROM claim_studies AS links
JOIN studies ON studies.nct_id = links.nct_id
WHERE links.is_matching AND links.claim_id IN :claim_ids
"""
"""Each matching trial of the claims asked for, with its status group."""

COUNTS = f"""
INSERT INTO claim_trial_counts (
    claim_id, trials_total, {", ".join(STATUS_GROUPS)}, with_results, phase_rank, last_change
)
SELECT
    claim_id,
    COUNT(*),
{_GROUP_SUMS}
    SUM(with_results),
    MAX(phase_rank),
    MAX(last_update_posted)
FROM ({TRIALS}) AS trials
GROUP BY claim_id
"""

_DELETE = text("DELETE FROM claim_trial_counts WHERE claim_id IN :claim_ids").bindparams(
    bindparam("claim_ids", expanding=True)
)
_INSERT = text(COUNTS).bindparams(bindparam("claim_ids", expanding=True))


def refresh_trial_counts(connection: Connection, claim_ids: Collection[str]) -> None:
    """Recount these claims' trials from their links, in the caller's transaction."""
    if claim_ids:
        ids = sorted(claim_ids)
        connection.execute(_DELETE, {"claim_ids": ids})
        connection.execute(_INSERT, {"claim_ids": ids})
