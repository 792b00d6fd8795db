"""Loading validated claim files into the database.

Loading is idempotent: what is already stored as the file says is left untouched. An
edited claim is updated in place (an edited topic becomes a new topic version, so links
keep saying which terms found them); a claim gone from its file is retired, never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from claims.errors import CatalogConflict
from claims.query import stored_topic
from claims.spec import ArticleSpec, ClaimSpec, Topic
from db.enums import ClaimStatus
from db.models import Article, Claim, ClaimSyncState, ClaimTopic
from db.trial_counts import refresh_trial_counts


@dataclass
class LoadReport:
    """What a load changed, by claim id."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    articles_added: list[str] = field(default_factory=list)
    articles_updated: list[str] = field(default_factory=list)


def _topic_row(claim_id: str, version: int, topic: Topic, now: datetime) -> ClaimTopic:
    return ClaimTopic(
        claim_id=claim_id,
        version=version,
        conditions=list(topic.conditions),
        interventions=list(topic.interventions),
        terms=list(topic.terms),
        study_types=list(topic.study_types),
        nct_ids=list(topic.nct_ids),
        exclude={
            kind: list(phrases)
            for kind, phrases in (
                ("conditions", topic.exclude_conditions),
                ("interventions", topic.exclude_interventions),
                ("terms", topic.exclude_terms),
            )
            if phrases
        },
        phases=list(topic.phases),
        created_at=now,
    )


def _effective_as_of(spec: ClaimSpec, article: ArticleSpec, first_loaded: datetime) -> date:
    return spec.as_of or article.published or first_loaded.date()


def _sync_article(session: Session, spec: ArticleSpec, now: datetime, report: LoadReport) -> None:
    article = session.get(Article, spec.id)
    if article is None:
        session.add(
            Article(
                id=spec.id,
                title=spec.title,
                url=spec.url,
                published=spec.published,
                source=spec.source,
                created_at=now,
                updated_at=now,
            )
        )
        report.articles_added.append(spec.id)
        return
    if (article.title, article.url, article.published) != (spec.title, spec.url, spec.published):
        article.title, article.url, article.published = spec.title, spec.url, spec.published
        article.updated_at = now
        report.articles_updated.append(spec.id)
    if article.source != spec.source:
        article.source = spec.source


def _add_claim(
    session: Session, spec: ClaimSpec, article: ArticleSpec, position: int, now: datetime
) -> None:
    session.add(
        Claim(
            id=spec.id,
            article_id=article.id,
            position=position,
            text=spec.text,
            as_of=_effective_as_of(spec, article, now),
            as_of_declared=spec.as_of,
            status=ClaimStatus.ACTIVE,
            min_relevance=spec.min_relevance,
            topic_version=1,
            first_loaded_at=now,
            updated_at=now,
            topics=[_topic_row(spec.id, 1, spec.topic, now)],
        )
    )


_KEPT = ("position", "text", "as_of", "as_of_declared", "status", "min_relevance")
"""The claim columns a load keeps in line with the claim file, in `wanted`'s order."""


def _update_claim(
    claim: Claim,
    spec: ClaimSpec,
    article: ArticleSpec,
    position: int,
    now: datetime,
    resync: set[str],
) -> bool:
    """Bring a stored claim in line with its spec; True if anything changed. A claim whose
    `min_relevance` changed joins `resync`: its next sync must judge its flags afresh."""
    first_loaded = claim.first_loaded_at.astimezone(now.tzinfo)
    wanted = (
        position,
        spec.text,
        _effective_as_of(spec, article, first_loaded),
        spec.as_of,
        ClaimStatus.ACTIVE,
        spec.min_relevance,
    )
    current = tuple(getattr(claim, name) for name in _KEPT)
    topic_changed = stored_topic(claim.topic) != spec.topic
    if current == wanted and not topic_changed:
        return False
    if claim.min_relevance != spec.min_relevance:
        resync.add(claim.id)
    for name, value in zip(_KEPT, wanted, strict=True):
        setattr(claim, name, value)
    claim.retired_at = None
    claim.updated_at = now
    if topic_changed:
        claim.topic_version += 1
        claim.topics.append(_topic_row(claim.id, claim.topic_version, spec.topic, now))
    return True


def _check_owners(existing: dict[str, Claim], articles: Sequence[ArticleSpec]) -> None:
    for article in articles:
        for spec in article.claims:
            claim = existing.get(spec.id)
            if claim is not None and claim.article_id != article.id:
                raise CatalogConflict(
                    f"{article.source}: claim {spec.id}: field 'id': already used by a claim"
                    f" of article {claim.article_id!r}"
                )


def load_articles(session: Session, articles: Sequence[ArticleSpec], now: datetime) -> LoadReport:
    """Bring the database in line with `articles`; `now` is an aware local time."""
    claim_ids = [spec.id for article in articles for spec in article.claims]
    article_ids = [article.id for article in articles]
    rows = session.scalars(
        select(Claim)
        .where(Claim.id.in_(claim_ids) | Claim.article_id.in_(article_ids))
        .options(selectinload(Claim.topics))
    ).all()
    existing = {claim.id: claim for claim in rows}
    _check_owners(existing, articles)
    report = LoadReport()
    resync: set[str] = set()
    for article in articles:
        _sync_article(session, article, now, report)
        for position, spec in enumerate(article.claims):
            claim = existing.get(spec.id)
            if claim is None:
                _add_claim(session, spec, article, position, now)
                report.added.append(spec.id)
            elif _update_claim(claim, spec, article, position, now, resync):
                report.updated.append(spec.id)
            else:
                report.unchanged.append(spec.id)
        in_file = {spec.id for spec in article.claims}
        for claim in rows:
            gone = claim.article_id == article.id and claim.id not in in_file
            if gone and claim.status == ClaimStatus.ACTIVE:
                claim.status, claim.retired_at, claim.updated_at = ClaimStatus.RETIRED, now, now
                report.retired.append(claim.id)
    session.flush()
    if resync:
        session.execute(delete(ClaimSyncState).where(ClaimSyncState.claim_id.in_(resync)))
    refresh_trial_counts(session.connection(), report.updated)
    return report
