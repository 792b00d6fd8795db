"""When a claim gets a flag: the `as_of` rules of the README ("The sync", Flags), as pure
functions.

Flags compare the registry's own dates with the claim's `as_of`, so the same evidence
gives the same flags whenever the tracker first ran. Partial dates count as after `as_of`
when they may be (see `PartialDate.may_be_after`). A status change the tracker observed is
dated by the study's last-update-posted date in the version that showed it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from db.enums import FlagKind
from db.views import STATUS_GROUPS
from tracker.ctgov.records import PartialDate, StudyRecord
from tracker.sync.study_diffs import is_pmid

COMPLETED = "COMPLETED"
STOPPED = frozenset(STATUS_GROUPS["stopped"])
RESULT = "RESULT"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CITED = re.compile(
    r"\.\s((?:19|20)\d{2})(?:\s(" + "|".join(MONTHS) + r")(?:\s(\d{1,2}))?)?\s*[;:.]"
)
"""A PubMed citation's publication date: `Journal. 2022 Mar 15;8(1):...`."""


@dataclass(frozen=True)
class StudyFacts:
    """What the flag rules read of a study."""

    overall_status: str | None
    first_posted: PartialDate | None
    results_first_posted: PartialDate | None
    completion: PartialDate | None
    completion_type: str | None
    last_update_posted: PartialDate | None
    primary_completion: PartialDate | None = None
    primary_completion_type: str | None = None
    has_results: bool = False
    publications: tuple[tuple[str, str | None], ...] = ()
    """Results publications: (PMID, citation) of each RESULT reference with a PMID."""
    result_references: int = 0
    """References of type RESULT, with or without a PMID."""

    @classmethod
    def from_record(cls, record: StudyRecord) -> StudyFacts:
        """From a study as fetched."""
        completion, primary = record.completion, record.primary_completion
        results = [ref for ref in record.references if ref.type == RESULT]
        return cls(
            overall_status=record.overall_status,
            first_posted=record.first_posted,
            results_first_posted=record.results_first_posted,
            completion=completion.date if completion is not None else None,
            completion_type=completion.type if completion is not None else None,
            last_update_posted=record.last_update_posted,
            primary_completion=primary.date if primary is not None else None,
            primary_completion_type=primary.type if primary is not None else None,
            has_results=record.has_results,
            publications=tuple(
                dict.fromkeys((ref.pmid, ref.citation) for ref in results if is_pmid(ref.pmid))
            ),
            result_references=len(results),
        )


@dataclass(frozen=True)
class Transition:
    """An observed change of overall status, dated by the registry when it says."""

    old: str | None
    new: str | None
    on: PartialDate | None


@dataclass(frozen=True)
class Seen:
    """Other changes the tracker observed: primary outcomes changed, results publications
    added (by PMID), each dated like a transition."""

    outcome_changes: tuple[PartialDate | None, ...] = ()
    publications: tuple[tuple[str, PartialDate | None], ...] = ()


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


def citation_date(citation: str | None) -> PartialDate | None:
    """The publication date a PubMed-style citation gives (`2022 Mar;8(1)` → 2022-03)."""
    match = _CITED.search(citation or "")
    if match is None:
        return None
    year, month, day = match.groups()
    text = year
    if month:
        text += f"-{MONTHS.index(month) + 1:02d}"
        if day:
            text += f"-{int(day):02d}"
    return PartialDate.parse(text)


def _first_dated(
    moments: Iterable[PartialDate | None], as_of: date
) -> tuple[bool, PartialDate | None]:
    for moment in moments:
        if moment is None or _after(moment, as_of):
            return True, moment
    return False, None


def _outcome_changed(seen: Seen, as_of: date) -> Due | None:
    found, on = _first_dated(seen.outcome_changes, as_of)
    if not found:
        return None
    return Due(f"primary outcome changed{f' on {on}' if on else ''}, after as_of {as_of}", on)


def _published(study: StudyFacts, seen: Seen, as_of: date) -> Due | None:
    observed = dict(seen.publications)
    for pmid, citation in study.publications:
        if pmid in observed:
            on = observed[pmid]
            if on is None or _after(on, as_of):
                when = f" on {on}" if on else ""
                return Due(f"results publication PMID {pmid} added{when}, after as_of {as_of}", on)
        elif _after(published := citation_date(citation), as_of):
            return Due(
                f"results publication PMID {pmid} published {published}, after as_of {as_of}",
                published,
            )
    return None


def overdue_on(study: StudyFacts) -> PartialDate | None:
    """When a study's results became overdue: a year after its actual primary completion,
    unless results are posted, a RESULT reference is listed, or it was withdrawn."""
    completed = study.primary_completion
    if completed is None or study.primary_completion_type != "ACTUAL":
        return None
    if study.has_results or study.results_first_posted is not None or study.result_references:
        return None
    if study.overall_status == "WITHDRAWN":
        return None
    year, rest = int(completed.text[:4]), completed.text[4:]
    return PartialDate.parse(f"{year + 1}{rest}") or PartialDate.parse(f"{year + 1}-03-01")


def _overdue(study: StudyFacts, as_of: date, today: date | None) -> Due | None:
    due = overdue_on(study)
    if today is None or due is None or due.latest >= today or not _after(due, as_of):
        return None
    return Due(
        f"primary completion {study.primary_completion} (actual), no results posted or"
        f" published by {due}, after as_of {as_of}",
        due,
    )


def due_flags(
    study: StudyFacts,
    as_of: date,
    transitions: Iterable[Transition] = (),
    seen: Seen = Seen(),
    today: date | None = None,
) -> dict[FlagKind, Due]:
    """Every flag a claim with this `as_of` should carry for this study; `today` (the
    sync's day) decides whether results are overdue yet."""
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
    if (outcome := _outcome_changed(seen, as_of)) is not None:
        due[FlagKind.OUTCOME_CHANGED] = outcome
    if (published := _published(study, seen, as_of)) is not None:
        due[FlagKind.RESULTS_PUBLISHED] = published
    if (overdue := _overdue(study, as_of, today)) is not None:
        due[FlagKind.RESULTS_OVERDUE] = overdue
    return due
