"""The built-in catalog: one valid claim file per article, with searchable topics."""

from __future__ import annotations

import pytest

from claims.builtin import builtin_files
from claims.parse import parse_files
from claims.spec import ArticleSpec

ARTICLE_TITLES = {
    "stem-cells-liver-cancer": "The Role of Stem Cell Therapy in Liver Cancer Treatment",
    "stem-cells-blood-cancers": (
        "Stem Cell Therapy: A Promising Solution for Treating Blood Cancers"
    ),
}


@pytest.fixture(scope="module")
def catalog() -> dict[str, ArticleSpec]:
    return {article.id: article for article in parse_files(builtin_files())}


def test_there_is_one_file_per_article_cited_by_its_title(catalog: dict[str, ArticleSpec]) -> None:
    assert {article_id: a.title for article_id, a in catalog.items()} == ARTICLE_TITLES


def test_each_article_carries_six_to_ten_claims(catalog: dict[str, ArticleSpec]) -> None:
    assert all(6 <= len(article.claims) <= 10 for article in catalog.values())


def test_every_claim_has_a_fixed_as_of_so_rebuilds_give_the_same_flags(
    catalog: dict[str, ArticleSpec],
) -> None:
    assert all(claim.as_of is not None for a in catalog.values() for claim in a.claims)


def test_every_topic_names_a_condition(catalog: dict[str, ArticleSpec]) -> None:
    for article in catalog.values():
        for claim in article.claims:
            assert claim.topic.conditions, claim.id
            assert claim.topic.interventions or claim.topic.terms, claim.id


@pytest.mark.parametrize(
    ("claim_id", "condition", "intervention"),
    [
        ("msc-regenerate-liver-tissue-hcc", "hepatocellular carcinoma", "mesenchymal stem cells"),
        (
            "engineered-stem-cells-target-liver-tumours",
            "liver cancer",
            "engineered mesenchymal stem cells",
        ),
        (
            "allogeneic-transplant-leukemia",
            "acute myeloid leukemia",
            "allogeneic stem cell transplantation",
        ),
        (
            "autologous-transplant-multiple-myeloma",
            "multiple myeloma",
            "autologous stem cell transplantation",
        ),
        ("gene-edited-stem-cells-blood-cancers", "leukemia", "CRISPR"),
    ],
)
def test_key_claims_search_with_synonyms(
    catalog: dict[str, ArticleSpec], claim_id: str, condition: str, intervention: str
) -> None:
    claim = next(c for a in catalog.values() for c in a.claims if c.id == claim_id)
    assert condition in claim.topic.conditions
    assert intervention in claim.topic.interventions
