"""Relevance as a link stores it, and whether a link counts for its claim.

`counts_for_claim` is the rule `db.trial_counts` applies in SQL, for the sync's flags:
only trials that count for a claim raise its flags.
"""

from __future__ import annotations

from typing import Any

from claims.spec import Topic
from db.enums import TIER_RANK, Decision
from tracker.ctgov.records import StudyRecord
from tracker.relevance.rules import assess


def link_relevance(topic: Topic, record: StudyRecord) -> dict[str, Any]:
    """The `claim_studies` relevance columns for a study found by a topic."""
    relevance = assess(topic, record)
    return {
        "relevance_tier": relevance.tier.value,
        "relevance_score": relevance.score,
        "relevance_reasons": relevance.reasons_json(),
    }


def counts_for_claim(tier: str | None, screening: str | None, min_relevance: str) -> bool:
    """Included, or unscreened with a tier that reaches the claim's `min_relevance` (a link
    not yet judged counts); excluded never."""
    if screening is not None:
        return screening == Decision.INCLUDE
    return tier is None or TIER_RANK[tier] >= TIER_RANK[min_relevance]
