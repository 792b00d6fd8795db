"""Counting a claim's matching trials by status group, for the evidence-status view.

The view reads `claim_trial_counts` instead of joining every link to its study, which at
a thousand claims is most of the time `tracker status` takes. The sync refreshes a claim's
row in the transaction that changes its links or the studies linked to it, so the counts
are never older than the links. The status groups are those of `db.views.STATUS_GROUPS`;
a test keeps the two in agreement.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, bindparam, text

TRIALS = """
SELECT
    links.claim_id,
    CASE
        WHEN studies.overall_status = 'NOT_YET_RECRUITING' THEN 'planned'
        WHEN studies.overall_status IN ('RECRUITING', 'ACTIVE_NOT_RECRUITING',
            'ENROLLING_BY_INVITATION', 'AVAILABLE', 'TEMPORARILY_NOT_AVAILABLE')
            THEN 'ongoing'
        WHEN studies.overall_status IN ('COMPLETED', 'APPROVED_FOR_MARKETING',
            'NO_LONGER_AVAILABLE') THEN 'completed'
        WHEN studies.overall_status IN ('TERMINATED', 'WITHDRAWN', 'SUSPENDED')
            THEN 'stopped'
        ELSE 'unknown'
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
    claim_id, trials_total, planned, ongoing, completed, stopped, unknown, with_results,
    phase_rank, last_change
)
SELECT
    claim_id,
    COUNT(*),
    SUM(CASE WHEN status_group = 'planned' THEN 1 ELSE 0 END),
    SUM(CASE WHEN status_group = 'ongoing' THEN 1 ELSE 0 END),
    SUM(CASE WHEN status_group = 'completed' THEN 1 ELSE 0 END),
    SUM(CASE WHEN status_group = 'stopped' THEN 1 ELSE 0 END),
    SUM(CASE WHEN status_group = 'unknown' THEN 1 ELSE 0 END),
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
