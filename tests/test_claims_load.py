"""Loading claim files is idempotent, updates edits, and retires claims without losing them."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, select

from claims.errors import CatalogConflict
from claims.load import LoadReport, load_articles
from claims.parse import parse_text
from claims.query import get_claim
from db.engine import transaction
from db.models import Article, Claim, ClaimTopic

ZONE = timezone(timedelta(hours=-5))
DAY_ONE = datetime(2026, 11, 2, 21, 30, tzinfo=ZONE)
DAY_TWO = DAY_ONE + timedelta(days=1)

ARTICLE = """\
article:
  id: liver
  title: "Stem cells and the liver"
  published: {published}
claims:
  - id: regenerate
    text: "MSCs regenerate liver tissue."
    as_of: 2026-11-21
    topic:
      conditions: ["hepatocellular carcinoma"]
      interventions: ["mesenchymal stem cells"]
  - id: immune
    text: "Stem cells modulate the immune system."
    topic:
      conditions: ["liver cancer"]
      terms: ["immune"]
"""


def _load(
    engine: Engine, text: str, now: datetime = DAY_ONE, published: str = "null"
) -> LoadReport:
    article = parse_text(text.format(published=published), "liver.yaml")
    with transaction(engine) as session:
        return load_articles(session, [article], now)


def _snapshot(engine: Engine) -> list[Any]:
    with transaction(engine) as session:
        rows: list[Any] = []
        for model in (Article, Claim, ClaimTopic):
            for row in session.scalars(select(model)):
                rows.append({c.key: getattr(row, c.key) for c in model.__table__.columns})
        return rows


def _claim(engine: Engine, claim_id: str) -> Claim:
    with transaction(engine) as session:
        return get_claim(session, claim_id)


def test_first_load_adds_every_claim(engine: Engine) -> None:
    report = _load(engine, ARTICLE)
    assert report.added == ["regenerate", "immune"]
    assert report.articles_added == ["liver"]
    claim = _claim(engine, "regenerate")
    assert (claim.status, claim.topic_version, claim.as_of) == ("active", 1, date(2026, 11, 21))
    assert claim.topic.conditions == ["hepatocellular carcinoma"]


def test_loading_twice_changes_nothing(engine: Engine) -> None:
    _load(engine, ARTICLE)
    before = _snapshot(engine)
    report = _load(engine, ARTICLE, now=DAY_TWO)
    assert (report.added, report.updated, report.retired) == ([], [], [])
    assert report.unchanged == ["regenerate", "immune"]
    assert _snapshot(engine) == before


def test_as_of_defaults_to_publication_then_to_the_local_day_of_first_load(engine: Engine) -> None:
    _load(engine, ARTICLE)
    assert _claim(engine, "immune").as_of == date(2026, 11, 2)  # local day, not the UTC one
    _load(engine, ARTICLE, now=DAY_TWO)
    assert _claim(engine, "immune").as_of == date(2026, 11, 2)
    report = _load(engine, ARTICLE, now=DAY_TWO, published="2026-10-15")
    assert report.updated == ["immune"]
    assert report.articles_updated == ["liver"]
    assert _claim(engine, "immune").as_of == date(2026, 10, 15)
    assert _claim(engine, "regenerate").as_of == date(2026, 11, 21)


def test_edited_text_updates_the_claim_and_keeps_its_topic_version(engine: Engine) -> None:
    _load(engine, ARTICLE)
    report = _load(engine, ARTICLE.replace("regenerate liver tissue", "rebuild the liver"), DAY_TWO)
    assert report.updated == ["regenerate"]
    claim = _claim(engine, "regenerate")
    assert claim.text == "MSCs rebuild the liver."
    assert claim.topic_version == 1
    assert claim.updated_at == DAY_TWO


def test_edited_topic_becomes_a_new_topic_version(engine: Engine) -> None:
    _load(engine, ARTICLE)
    edited = ARTICLE.replace('["hepatocellular carcinoma"]', '["hepatocellular carcinoma", "HCC"]')
    assert _load(engine, edited, DAY_TWO).updated == ["regenerate"]
    claim = _claim(engine, "regenerate")
    assert claim.topic_version == 2
    assert [t.conditions for t in claim.topics] == [
        ["hepatocellular carcinoma"],
        ["hepatocellular carcinoma", "HCC"],
    ]


def test_claim_removed_from_its_file_is_retired_and_kept(engine: Engine) -> None:
    _load(engine, ARTICLE)
    without_immune = ARTICLE[: ARTICLE.index("  - id: immune")]
    report = _load(engine, without_immune, DAY_TWO)
    assert report.retired == ["immune"]
    claim = _claim(engine, "immune")
    assert (claim.status, claim.retired_at) == ("retired", DAY_TWO)
    assert _load(engine, without_immune, DAY_TWO).retired == []


def test_retired_claim_that_comes_back_is_active_again(engine: Engine) -> None:
    _load(engine, ARTICLE)
    _load(engine, ARTICLE[: ARTICLE.index("  - id: immune")], DAY_TWO)
    report = _load(engine, ARTICLE, DAY_TWO)
    assert report.updated == ["immune"]
    claim = _claim(engine, "immune")
    assert (claim.status, claim.retired_at, claim.topic_version) == ("active", None, 1)


def test_claim_id_of_another_article_is_refused(engine: Engine) -> None:
    _load(engine, ARTICLE)
    other = ARTICLE.replace("id: liver", "id: other-article")
    with pytest.raises(CatalogConflict, match="already used by a claim of article 'liver'"):
        _load(engine, other, DAY_TWO)
