"""What a sync leaves in the database, for comparing runs.

`state(url)` reads back what a sync leaves (studies, links, events, flags; a link is its
own `linked` event) without the clock's timestamps, so that runs at different moments
can be compared for equality.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from db.engine import connect, transaction
from db.models import ClaimStudy, Flag, Study, StudyEvent


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def _linked(links: Any) -> list[tuple[str, ...]]:
    """Each link's `linked` event, as `tracker.trials.events_for_claims` reads it."""
    return [
        (
            "linked",
            link.nct_id,
            link.claim_id,
            "",
            json.dumps(
                {"topic_version": link.topic_version, "matched_on": link.matched_on},
                sort_keys=True,
            ),
            "minor",
        )
        for link in links
    ]


def state(url: str) -> dict[str, Any]:
    """Studies, links, events and flags as comparable values, clock timestamps left out."""
    engine = connect(url)
    try:
        with transaction(engine) as session:
            studies = {
                s.nct_id: (s.overall_status, s.record_hash) for s in session.scalars(select(Study))
            }
            links = {
                (link.claim_id, link.nct_id): (
                    link.is_matching,
                    link.topic_version,
                    _plain(link.matched_on),
                )
                for link in session.scalars(select(ClaimStudy))
            }
            events = sorted(
                (
                    e.kind,
                    e.nct_id,
                    e.claim_id or "",
                    e.effective_on or "",
                    json.dumps(e.detail, sort_keys=True),
                    e.severity,
                )
                for e in session.scalars(select(StudyEvent))
            )
            events = sorted([*events, *_linked(session.scalars(select(ClaimStudy)))])
            flags = {
                (f.claim_id, f.nct_id, f.kind): (f.reason, f.effective_on, f.acknowledged_at)
                for f in session.scalars(select(Flag))
            }
    finally:
        engine.dispose()
    return {"studies": studies, "links": links, "events": events, "flags": flags}
