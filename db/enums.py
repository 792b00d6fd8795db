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
    OUTCOME_CHANGED = "OUTCOME_CHANGED"
    RESULTS_PUBLISHED = "RESULTS_PUBLISHED"
    RESULTS_OVERDUE = "RESULTS_OVERDUE"


class EventKind(StrEnum):
    """A change a sync saw. `linked`, `unmatched` and `rematched` concern one claim's link;
    the others concern the study and so every claim linked to it."""

    LINKED = "linked"
    UNMATCHED = "unmatched"
    REMATCHED = "rematched"
    STATUS_CHANGED = "status_changed"
    RESULTS_POSTED = "results_posted"
    DATES_CHANGED = "dates_changed"
    OUTCOME_CHANGED = "outcome_changed"
    ENROLLMENT_CHANGED = "enrollment_changed"
    PHASE_CHANGED = "phase_changed"
    SPONSOR_CHANGED = "sponsor_changed"
    ARMS_CHANGED = "arms_changed"
    WHY_STOPPED_CHANGED = "why_stopped_changed"
    PUBLICATION_ADDED = "publication_added"


class Severity(StrEnum):
    """How much a change matters to the evidence; see `tracker.sync.severity`."""

    CRITICAL = "critical"
    NOTABLE = "notable"
    MINOR = "minor"


SEVERITY_RANK: dict[str, int] = {Severity.CRITICAL: 3, Severity.NOTABLE: 2, Severity.MINOR: 1}


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
