"""When a claim gets a flag: the `as_of` rules of the README ("The sync", Flags), as pure
functions.

Flags compare the registry's own dates with the claim's `as_of`, so the same evidence
gives the same flags whenever the tracker first ran. Partial dates count as after `as_of`
when they may be (see `PartialDate.may_be_after`). A status change the tracker observed is
dated by the study's last-update-posted date in the version that showed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from db.enums import FlagKind
from db.views import STATUS_GROUPS
from tracker.ctgov.records import PartialDate, StudyRecord

COMPLETED = "COMPLETED"
STOPPED = frozenset(STATUS_GROUPS["stopped"])


@dataclass(frozen=True)
class StudyFacts:
    """What the flag rules read of a study."""

    overall_status: str | None
    first_posted: PartialDate | None
    results_first_posted: PartialDate | None
    completion: PartialDate | None
    completion_type: str | None
    last_update_posted: PartialDate | None

    @classmethod
    def from_record(cls, record: StudyRecord) -> StudyFacts:
        """From a study as fetched."""
        completion = record.completion
        return cls(
            overall_status=record.overall_status,
            first_posted=record.first_posted,
            results_first_posted=record.results_first_posted,
            completion=completion.date if completion is not None else None,
            completion_type=completion.type if completion is not None else None,
            last_update_posted=record.last_update_posted,
        )


@dataclass(frozen=True)
class Transition:
    """An observed change of overall status, dated by the registry when it says."""

    old: str | None
    new: str | None
    on: PartialDate | None


@dataclass(frozen=True)
class Due:
    """A flag a claim should carry: why, and the registry's date for it when known."""

    reason: str
    on: PartialDate | None


def _after(moment: PartialDate | None, as_of: date) -> bool:
    return moment is not None and moment.may_be_after(as_of)


def _observed(
    transitions: Iterable[Transition], statuses: frozenset[str], as_of: date
) -> Transition | None:
    """The first observed move into `statuses` dated after `as_of` (or undated)."""
    for transition in transitions:
        if transition.new in statuses and (transition.on is None or _after(transition.on, as_of)):
            return transition
    return None


def _moved(transition: Transition) -> Due:
    when = f" on {transition.on}" if transition.on else ""
    return Due(f"status {transition.old or 'unknown'} → {transition.new}{when}", transition.on)


def _stopped_on(study: StudyFacts) -> PartialDate | None:
    """When a study first seen stopped stopped: its actual end date, else its last update."""
    if study.completion is not None and study.completion_type == "ACTUAL":
        return study.completion
    return study.last_update_posted


def _completed(study: StudyFacts, transitions: Iterable[Transition], as_of: date) -> Due | None:
    if study.overall_status != COMPLETED:
        return None
    if (observed := _observed(transitions, frozenset({COMPLETED}), as_of)) is not None:
        return _moved(observed)
    if _after(study.completion, as_of):
        return Due(f"completed {study.completion}, after as_of {as_of}", study.completion)
    return None


def _stopped(study: StudyFacts, transitions: Iterable[Transition], as_of: date) -> Due | None:
    if study.overall_status not in STOPPED:
        return None
    if (observed := _observed(transitions, STOPPED, as_of)) is not None:
        return _moved(observed)
    stopped_on = _stopped_on(study)
    if _after(stopped_on, as_of):
        return Due(f"{study.overall_status} {stopped_on}, after as_of {as_of}", stopped_on)
    return None


def due_flags(
    study: StudyFacts, as_of: date, transitions: Iterable[Transition] = ()
) -> dict[FlagKind, Due]:
    """Every flag a claim with this `as_of` should carry for this study."""
    transitions = tuple(transitions)
    due: dict[FlagKind, Due] = {}
    if _after(study.first_posted, as_of):
        due[FlagKind.NEW_TRIAL] = Due(
            f"first posted {study.first_posted}, after as_of {as_of}", study.first_posted
        )
    if (completed := _completed(study, transitions, as_of)) is not None:
        due[FlagKind.TRIAL_COMPLETED] = completed
    if _after(study.results_first_posted, as_of):
        due[FlagKind.RESULTS_POSTED] = Due(
            f"results first posted {study.results_first_posted}, after as_of {as_of}",
            study.results_first_posted,
        )
    if (stopped := _stopped(study, transitions, as_of)) is not None:
        due[FlagKind.TRIAL_STOPPED] = stopped
    return due
