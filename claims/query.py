"""Reading the catalog back: claims with their article and current topic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from claims.errors import UnknownClaim
from claims.spec import Topic
from db.models import Article, Claim, ClaimTopic


def stored_topic(row: ClaimTopic) -> Topic:
    """A stored topic version as the spec it was loaded from."""
    return Topic(
        conditions=tuple(row.conditions),
        interventions=tuple(row.interventions),
        terms=tuple(row.terms),
        study_types=tuple(row.study_types),
        nct_ids=tuple(row.nct_ids),
        exclude_conditions=tuple(row.exclude.get("conditions", ())),
        exclude_interventions=tuple(row.exclude.get("interventions", ())),
        exclude_terms=tuple(row.exclude.get("terms", ())),
        phases=tuple(row.phases),
    )


def _with_details() -> tuple[Any, ...]:
    return (joinedload(Claim.article), selectinload(Claim.topics))


def list_claims(session: Session) -> Sequence[Claim]:
    """Every claim, active and retired, in article then file order."""
    return session.scalars(
        select(Claim)
        .join(Claim.article)
        .options(*_with_details())
        .order_by(Article.id, Claim.position, Claim.id)
    ).all()


def get_claim(session: Session, claim_id: str) -> Claim:
    claim = session.scalars(
        select(Claim).where(Claim.id == claim_id).options(*_with_details())
    ).one_or_none()
    if claim is None:
        raise UnknownClaim(claim_id)
    return claim


def claim_record(claim: Claim) -> dict[str, Any]:
    """A claim as a flat, JSON-ready record (the shape of `tracker claims list`)."""
    topic = claim.topic
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "text": claim.text,
        "as_of": claim.as_of,
        "conditions": list(topic.conditions),
        "interventions": list(topic.interventions),
        "terms": list(topic.terms),
        "study_types": list(topic.study_types),
        "nct_ids": list(topic.nct_ids),
        "exclude": dict(topic.exclude),
        "phases": list(topic.phases),
        "min_relevance": claim.min_relevance,
        "status": claim.status,
        "topic_version": claim.topic_version,
    }
