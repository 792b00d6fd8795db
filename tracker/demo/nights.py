"""What changes on the simulated nights: copies of real records, edited as the registry would.

Pure functions over v2 study records; the originals are never changed. The timeline comes
from the data, so the demo prints the same thing whenever it runs: the first sync on the
Sunday after the claims' `as_of` and the records' last update, then two nights.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.enums import Decision, Tier
from db.models import ClaimStudy, Study

ONGOING = ("RECRUITING", "ACTIVE_NOT_RECRUITING", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING")
WHY_STOPPED = "Slow accrual (simulated by the demo)"


@dataclass(frozen=True)
class Timeline:
    first_sync: date
    night_1: date
    night_2: date


def timeline(as_of_dates: Iterable[date], records: Iterable[Mapping[str, Any]]) -> Timeline:
    """The first Sunday after every claim's `as_of` and every record's last update."""
    updated = [
        date.fromisoformat(_status(raw)["lastUpdatePostDateStruct"]["date"]) for raw in records
    ]
    latest = max([*as_of_dates, *updated])
    first = latest + timedelta(days=7 - latest.isoweekday() or 7)
    return Timeline(first, first + timedelta(days=1), first + timedelta(days=2))


def _status(raw: Mapping[str, Any]) -> dict[str, Any]:
    return raw["protocolSection"]["statusModule"]


def _touched(raw: Mapping[str, Any], day: date) -> dict[str, Any]:
    changed = copy.deepcopy(dict(raw))
    status = _status(changed)
    status["lastUpdatePostDateStruct"] = {"date": day.isoformat(), "type": "ACTUAL"}
    status["statusVerifiedDate"] = day.isoformat()[:7]
    return changed


def completed(raw: Mapping[str, Any], day: date) -> dict[str, Any]:
    """The trial completed the day before `day`, which the registry posts on `day`."""
    changed = _touched(raw, day)
    status = _status(changed)
    status["overallStatus"] = "COMPLETED"
    end = {"date": (day - timedelta(days=1)).isoformat(), "type": "ACTUAL"}
    status["primaryCompletionDateStruct"] = end
    status["completionDateStruct"] = end
    return changed


def results_posted(raw: Mapping[str, Any], day: date) -> dict[str, Any]:
    changed = _touched(raw, day)
    changed["hasResults"] = True
    _status(changed)["resultsFirstPostDateStruct"] = {"date": day.isoformat(), "type": "ACTUAL"}
    return changed


def stopped(raw: Mapping[str, Any], day: date, status: str = "TERMINATED") -> dict[str, Any]:
    changed = _touched(raw, day)
    module = _status(changed)
    module["overallStatus"] = status
    module["whyStopped"] = WHY_STOPPED
    module["completionDateStruct"] = {"date": day.isoformat(), "type": "ACTUAL"}
    return changed


def not_recruiting(raw: Mapping[str, Any], day: date) -> dict[str, Any]:
    changed = _touched(raw, day)
    _status(changed)["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    return changed


def ongoing_links(session: Session) -> list[str]:
    """The linked, still matching studies that are planned or under way and count for
    their claim (direct, or included by a person): the ones a night can complete or stop
    with a flag to show, in NCT id order."""
    counts = or_(ClaimStudy.relevance_tier == Tier.DIRECT, ClaimStudy.screening == Decision.INCLUDE)
    return list(
        session.scalars(
            select(Study.nct_id)
            .join(ClaimStudy, ClaimStudy.nct_id == Study.nct_id)
            .where(ClaimStudy.is_matching, Study.overall_status.in_(ONGOING), counts)
            .distinct()
            .order_by(Study.nct_id)
        )
    )


def screening_candidate(session: Session) -> tuple[str, str] | None:
    """The best-scored unscreened, ongoing `indirect` link (claim id, NCT id): the trial the
    demo's editor looks at and includes, as `tracker screen` lets a person do."""
    row = session.execute(
        select(ClaimStudy.claim_id, ClaimStudy.nct_id)
        .join(Study, Study.nct_id == ClaimStudy.nct_id)
        .where(
            ClaimStudy.is_matching,
            ClaimStudy.relevance_tier == Tier.INDIRECT,
            ClaimStudy.screening.is_(None),
            Study.overall_status.in_(ONGOING),
        )
        .order_by(ClaimStudy.relevance_score.desc(), ClaimStudy.claim_id, ClaimStudy.nct_id)
        .limit(1)
    ).first()
    return None if row is None else (row.claim_id, row.nct_id)
