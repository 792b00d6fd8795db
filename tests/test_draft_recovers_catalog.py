"""Drafts of the two articles recover the hand-written built-in catalog, fast.

How a draft claim matches a catalog claim is `claim_matching`'s rule (topics and
distinctive words overlap). Recall must reach 80 % for *each* article, counted twice:
catalog claims matched by some draft, and catalog claims paired one-to-one with distinct
drafts (so one broad draft cannot recover several claims). Proposals matching no catalog
claim may be at most a third of those matching one, again per article. Drafts must also
stay specific: at most six conditions and six interventions each, so that a draft naming
everything cannot match everything.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from claim_matching import Listed, candidates_of, common_stems, matches, pairs

from claims.builtin import builtin_files
from claims.draft import Draft, ProposedClaim, draft_file, render_draft
from claims.parse import parse_files, parse_text
from claims.spec import ArticleSpec, ClaimSpec

ARTICLES = Path(__file__).parent / "data" / "articles"
CATALOG_FILES = {
    "stem-cells-liver-cancer": "stem-cell-therapy-liver-cancer.txt",
    "stem-cells-blood-cancers": "stem-cell-therapy-blood-cancers.txt",
}
MIN_RECALL = 0.8
MAX_TOPIC_PHRASES = 6
MAX_SECONDS = 0.5


def _listed(claim: ClaimSpec) -> Listed:
    return Listed(claim.id, " ".join([claim.text, *claim.topic.terms]), claim.topic)


def _common(article: ArticleSpec) -> set[str]:
    return common_stems(article.title, [_listed(claim) for claim in article.claims])


@pytest.fixture(scope="module")
def catalog() -> dict[str, ArticleSpec]:
    return {article.id: article for article in parse_files(builtin_files())}


@pytest.fixture(scope="module")
def drafts() -> dict[str, Draft]:
    return {aid: draft_file(ARTICLES / name) for aid, name in CATALOG_FILES.items()}


@pytest.mark.parametrize("article_id", CATALOG_FILES)
def test_drafts_recover_most_catalog_claims_with_few_extras(
    catalog: dict[str, ArticleSpec], drafts: dict[str, Draft], article_id: str
) -> None:
    article, draft = catalog[article_id], drafts[article_id]
    listed = [_listed(claim) for claim in article.claims]
    candidates = candidates_of(draft.claims, listed, _common(article))
    matched_proposals = {proposal for found in candidates.values() for proposal in found}
    missed = [claim for claim, found in candidates.items() if not found]
    unmatched = [p.id for p in draft.claims if p.id not in matched_proposals]
    assert 1 - len(missed) / len(article.claims) >= MIN_RECALL, f"missed {missed}"
    assert pairs(candidates) / len(article.claims) >= MIN_RECALL
    assert len(unmatched) * 3 <= len(matched_proposals), f"unmatched {unmatched}"


def test_every_draft_topic_stays_specific(drafts: dict[str, Draft]) -> None:
    for draft in drafts.values():
        for proposal in draft.claims:
            assert len(proposal.topic.conditions) <= MAX_TOPIC_PHRASES, proposal.id
            assert len(proposal.topic.interventions) <= MAX_TOPIC_PHRASES, proposal.id


def test_matching_needs_more_than_a_shared_topic(catalog: dict[str, ArticleSpec]) -> None:
    article = catalog["stem-cells-liver-cancer"]
    claim = article.claims[0]
    unrelated = ProposedClaim(
        id="x",
        text="x",
        topic=claim.topic,
        confidence=0.5,
        reasons="",
        sources=("Stem cell therapy for liver cancer is discussed here.",),
    )
    assert not matches(unrelated, _listed(claim), _common(article))


@pytest.mark.parametrize("article_id", CATALOG_FILES)
def test_drafts_load_unchanged_with_their_article_id(
    drafts: dict[str, Draft], article_id: str
) -> None:
    draft = drafts[article_id]
    article = parse_text(render_draft(draft), "draft.yaml")
    assert article.id == draft.article_id
    assert [claim.id for claim in article.claims] == [p.id for p in draft.claims]
    assert [claim.topic for claim in article.claims] == [p.topic for p in draft.claims]
    assert all(claim.as_of is None for claim in article.claims)


def test_liver_claims_take_the_articles_condition_when_their_sentence_names_none(
    drafts: dict[str, Draft],
) -> None:
    liver = drafts["stem-cells-liver-cancer"].claims
    survival = next(p for p in liver if "overall survival" in p.sources[0])
    assert "hepatocellular carcinoma" in survival.topic.conditions
    assert "from the article" in survival.reasons


def test_closing_summary_is_merged_into_the_claims_it_repeats(drafts: dict[str, Draft]) -> None:
    liver = drafts["stem-cells-liver-cancer"]
    sources = [source for proposal in liver.claims for source in proposal.sources]
    assert len(sources) == len(set(sources))
    assert not any(p.text.startswith(("In summary", "With its ability")) for p in liver.claims)
    assert any(s.startswith("In summary") for s in sources)


@pytest.mark.parametrize("name", CATALOG_FILES.values())
def test_drafting_an_article_takes_well_under_a_second(name: str) -> None:
    draft_file(ARTICLES / name)
    started = time.perf_counter()
    render_draft(draft_file(ARTICLES / name))
    assert time.perf_counter() - started < MAX_SECONDS
