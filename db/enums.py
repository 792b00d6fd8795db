"""The fixed vocabularies stored in the database."""

from __future__ import annotations

from enum import StrEnum


class ClaimStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class FlagKind(StrEnum):
    """Why a claim needs a second look; see the README ("The sync", Flags)."""

    NEW_TRIAL = "NEW_TRIAL"
    TRIAL_COMPLETED = "TRIAL_COMPLETED"
    RESULTS_POSTED = "RESULTS_POSTED"
    TRIAL_STOPPED = "TRIAL_STOPPED"


class EventKind(StrEnum):
    """A change a sync saw. `linked`, `unmatched` and `rematched` concern one claim's link;
    the others concern the study and so every claim linked to it."""

    LINKED = "linked"
    UNMATCHED = "unmatched"
    REMATCHED = "rematched"
    STATUS_CHANGED = "status_changed"
    RESULTS_POSTED = "results_posted"
    DATES_CHANGED = "dates_changed"


class Tier(StrEnum):
    """How a linked study bears on its claim; see `tracker.relevance`."""

    DIRECT = "direct"
    INDIRECT = "indirect"
    BACKGROUND = "background"


TIER_RANK: dict[str, int] = {Tier.DIRECT: 3, Tier.INDIRECT: 2, Tier.BACKGROUND: 1}
"""A tier counts for a claim when its rank reaches the claim's `min_relevance`."""


class Decision(StrEnum):
    """A person's screening decision on a link."""

    INCLUDE = "include"
    EXCLUDE = "exclude"


class RunOutcome(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


PHASE_RANK: dict[str, int] = {
    "NA": 0,
    "EARLY_PHASE1": 1,
    "PHASE1": 2,
    "PHASE2": 3,
    "PHASE3": 4,
    "PHASE4": 5,
}
"""Order of trial phases, for "highest phase reached"; stored as `studies.phase_rank`."""


def sql_in(values: type[StrEnum]) -> str:
    """A SQL `IN (...)` list of an enum's values, for CHECK constraints."""
    return "(" + ", ".join(f"'{member.value}'" for member in values) + ")"
