"""Relevance as a link stores it (whether a link then counts for its claim is
`db.counting`'s rule)."""

from __future__ import annotations

from typing import Any

from claims.spec import Topic
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
