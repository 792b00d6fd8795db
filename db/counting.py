"""Whether a link counts for its claim: the rule `db.trial_counts` applies in SQL, for
Python code (the sync's flags, `tracker trials`, the digest)."""

from __future__ import annotations

from db.enums import TIER_RANK, Decision


def counts_for_claim(tier: str | None, screening: str | None, min_relevance: str) -> bool:
    """Included, or unscreened with a tier that reaches the claim's `min_relevance` (a link
    not yet judged counts); excluded never."""
    if screening is not None:
        return screening == Decision.INCLUDE
    return tier is None or TIER_RANK[tier] >= TIER_RANK[min_relevance]
