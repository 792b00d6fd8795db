"""Counting a claim's matching trials by status group and tier, for the evidence-status view.

The view reads `claim_trial_counts` instead of joining every link to its study, which at
a thousand claims is most of the time `tracker status` takes. The sync refreshes a claim's
row in the transaction that changes its links or the studies linked to it (and screening
and claim loading do for theirs), so the counts are never older than the links. The status
SQL is written from `db.views.STATUS_GROUPS`, the one list of which status belongs to
which group.

A matching trial *counts* for its claim (in the status groups, `with_results`,
`with_publications`, the highest phase and `last_change`) when a person included it, or,
unscreened, when its relevance tier reaches the claim's `min_relevance` (a link not yet
judged counts, as before tiers existed). An excluded trial never counts.
`awaiting_screening` is the unscreened trials that do not count on their own: only a
person's decision would make them count.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import Connection, bindparam, text

from db.enums import TIER_RANK
from db.views import STATUS_GROUPS, UNKNOWN_GROUP


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


_GROUP_CASE = "\n".join(
    f"        WHEN studies.overall_status IN ({_sql_list(statuses)}) THEN '{group}'"
    for group, statuses in STATUS_GROUPS.items()
    if statuses
)


def _rank(expression: str) -> str:
    cases = " ".join(f"WHEN '{tier}' THEN {rank}" for tier, rank in TIER_RANK.items())
    return f"CASE {expression} {cases} ELSE 0 END"


COUNTS_FOR_CLAIM = f"""
    CASE
        WHEN links.screening = 'include' THEN 1
        WHEN links.screening = 'exclude' THEN 0
        WHEN links.relevance_tier IS NULL THEN 1
        WHEN {_rank("links.relevance_tier")} >= {_rank("claims.min_relevance")} THEN 1
        ELSE 0
    END"""
"""1 when a link counts for its claim (the rule above), else 0."""

TRIALS = f"""
SELECT
    links.claim_id,
    {COUNTS_FOR_CLAIM} AS counted,
    links.relevance_tier AS tier,
    links.screening,
    CASE
{_GROUP_CASE}
        ELSE '{UNKNOWN_GROUP}'
    END AS status_group,
    CASE WHEN studies.has_results OR studies.results_first_posted IS NOT NULL
        THEN 1 ELSE 0 END AS with_results,
    CASE WHEN studies.has_publication THEN 1 ELSE 0 END AS with_publication,
    studies.phase_rank,
    studies.last_update_posted
FROM claim_studies AS links
JOIN studies ON studies.nct_id = links.nct_id
JOIN claims ON claims.id = links.claim_id
WHERE links.is_matching AND links.claim_id IN :claim_ids
"""
"""Each matching trial of the claims asked for: whether it counts, its tier, status group."""


def _counted(condition: str) -> str:
    return f"SUM(CASE WHEN counted = 1 AND {condition} THEN 1 ELSE 0 END)"


def _listed(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


_NOT_EXCLUDED = "(screening IS NULL OR screening <> 'exclude')"


def _in_group(group: str) -> str:
    return f"status_group = '{group}'"


_GROUP_SUMS = "\n".join(f"    {_counted(_in_group(group))}," for group in STATUS_GROUPS)

COUNTS = f"""
INSERT INTO claim_trial_counts (
    claim_id, trials_total, {", ".join(STATUS_GROUPS)}, with_results,
    phase_rank, last_change, direct, indirect, background, excluded, awaiting_screening,
    with_publications
)
SELECT
    claim_id,
    SUM(counted),
{_GROUP_SUMS}
    {_counted("with_results = 1")},
    MAX(CASE WHEN counted = 1 THEN phase_rank END),
    MAX(CASE WHEN counted = 1 THEN last_update_posted END),
    {_listed(f"tier = 'direct' AND {_NOT_EXCLUDED}")},
    {_listed(f"tier = 'indirect' AND {_NOT_EXCLUDED}")},
    {_listed(f"tier = 'background' AND {_NOT_EXCLUDED}")},
    {_listed("screening = 'exclude'")},
    {_listed("counted = 0 AND screening IS NULL")},
    {_counted("with_publication = 1")}
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
