"""The screening decisions people make on a claim's linked trials (listed by
`tracker.trial_list`).

A decision is a row of `screening_decisions` (who, when, include or exclude, a note); the
newest one is also the link's `screening`, which the sync never writes, so decisions
outlast every sync. Excluding a trial acknowledges its open flags for the claim;
including one makes the claim's next sync a full one, which judges the trial's flags.
Either recounts the claim's trials.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from claims.query import get_claim
from db.enums import Decision
from db.models import ClaimStudy, ClaimSyncState, Flag, ScreeningDecision
from db.trial_counts import refresh_trial_counts
from tracker.errors import UsageError


def screen(
    session: Session,
    claim_id: str,
    nct_ids: Sequence[str],
    decision: Decision,
    *,
    by: str,
    now: datetime,
    note: str | None = None,
) -> list[dict[str, Any]]:
    """Record one decision on each named trial of the claim; what was decided, per trial."""
    get_claim(session, claim_id)
    wanted = list(dict.fromkeys(nct_id.strip().upper() for nct_id in nct_ids))
    links = {
        link.nct_id: link
        for link in session.scalars(
            select(ClaimStudy).where(ClaimStudy.claim_id == claim_id, ClaimStudy.nct_id.in_(wanted))
        )
    }
    missing = [nct_id for nct_id in wanted if nct_id not in links]
    if missing:
        raise UsageError(f"claim {claim_id} has no linked trial {', '.join(missing)}")
    decided = []
    for nct_id in wanted:
        link = links[nct_id]
        previous, link.screening = link.screening, decision.value
        session.add(
            ScreeningDecision(
                claim_id=claim_id,
                nct_id=nct_id,
                decision=decision.value,
                note=note,
                decided_by=by,
                decided_at=now,
            )
        )
        decided.append({"nct_id": nct_id, "decision": decision.value, "previous": previous})
    if decision is Decision.EXCLUDE:
        session.execute(
            update(Flag)
            .where(
                Flag.claim_id == claim_id,
                Flag.nct_id.in_(wanted),
                Flag.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=now, note=f"excluded by {by}" + (f": {note}" if note else ""))
        )
    else:
        session.execute(delete(ClaimSyncState).where(ClaimSyncState.claim_id == claim_id))
    session.flush()
    refresh_trial_counts(session.connection(), [claim_id])
    return decided
