"""The SQL views group statuses and rank phases as `db.views` documents (the trial counts
they read are made by `db.trial_counts`, which the sync calls)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, insert, select

from db.engine import transaction
from db.enums import PHASE_RANK
from db.migrate import downgrade, upgrade
from db.models import Article, Claim, ClaimStudy, ClaimTopic, Study
from db.trial_counts import refresh_trial_counts
from db.views import EVIDENCE_LEVELS, STATUS_GROUPS, claim_evidence_status

NOW = datetime(2026, 11, 23, tzinfo=UTC)
REGISTRY_STATUSES = [
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
    None,
]


def _group(status: str | None) -> str:
    return next((g for g, members in STATUS_GROUPS.items() if status in members), "unknown")


def _claim_with_one_study(
    engine: Engine, status: str | None, phase: str | None
) -> dict[str, object]:
    with transaction(engine) as session:
        session.add(Article(id="a", title="A", source="x", created_at=NOW, updated_at=NOW))
        session.add(
            Claim(
                id="c",
                article_id="a",
                position=0,
                text="t",
                as_of=date(2026, 11, 1),
                status="active",
                topic_version=1,
                first_loaded_at=NOW,
                updated_at=NOW,
                topics=[
                    ClaimTopic(
                        claim_id="c",
                        version=1,
                        conditions=["x"],
                        interventions=[],
                        terms=[],
                        study_types=[],
                        created_at=NOW,
                    )
                ],
            )
        )
        session.flush()
        session.execute(
            insert(Study),
            [
                {
                    "nct_id": "NCT1",
                    "phases": [phase] if phase else [],
                    "conditions": [],
                    "keywords": [],
                    "interventions": [],
                    "has_results": False,
                    "record_hash": "h",
                    "overall_status": status,
                    "phase_rank": PHASE_RANK.get(phase or ""),
                    "first_seen_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
        session.execute(
            insert(ClaimStudy),
            [
                {
                    "claim_id": "c",
                    "nct_id": "NCT1",
                    "topic_version": 1,
                    "matched_on": {},
                    "is_matching": True,
                    "first_linked_at": NOW,
                }
            ],
        )
        refresh_trial_counts(session.connection(), ["c"])
    with transaction(engine) as session:
        return dict(session.execute(select(claim_evidence_status)).one()._mapping)


@pytest.mark.parametrize("status", REGISTRY_STATUSES)
def test_every_registry_status_falls_in_its_documented_group(
    engine: Engine, status: str | None
) -> None:
    row = _claim_with_one_study(engine, status, None)
    assert {g: row[g] for g in STATUS_GROUPS} == {
        g: int(g == _group(status)) for g in STATUS_GROUPS
    }
    assert row["evidence_level"] in EVIDENCE_LEVELS


@pytest.mark.parametrize("phase", list(PHASE_RANK))
def test_highest_phase_is_named_back_from_its_rank(engine: Engine, phase: str) -> None:
    assert _claim_with_one_study(engine, "RECRUITING", phase)["highest_phase"] == phase


@pytest.mark.parametrize("phase", list(PHASE_RANK))
def test_migrating_to_kept_counts_keeps_the_highest_phase(engine: Engine, phase: str) -> None:
    row = _claim_with_one_study(engine, "COMPLETED", phase)

    downgrade(engine, "0004")
    upgrade(engine)

    with transaction(engine) as session:
        assert dict(session.execute(select(claim_evidence_status)).one()._mapping) == row
