"""Typed values for what the tracker keeps of a ClinicalTrials.gov study.

Records are values: compared and hashed by their fields, and never changed once built.
They are not frozen dataclasses, whose constructor costs six times as much (each field
set through `object.__setattr__`): a first sync builds millions of them.

The registry's dates are partial (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`): a `PartialDate`
keeps the original text, and says which days it may stand for, so that
"after as_of" can be decided without inventing a day that the registry never gave.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(slots=True, unsafe_hash=True)
class PartialDate:
    """A registry date as precise as it was given: the days it may stand for."""

    text: str
    earliest: date
    latest: date

    @classmethod
    def parse(cls, text: str | None) -> PartialDate | None:
        """`"2020"`, `"2020-05"` or `"2020-05-17"` → a PartialDate; anything else → None."""
        return _parse_partial_date(text.strip()) if isinstance(text, str) else None

    def may_be_after(self, day: date) -> bool:
        """True unless every day this date can stand for is on or before `day`.

        A month- or year-precision date that straddles `day` counts as after it: for an
        evidence team a second look costs less than a missed change.
        """
        return self.latest > day

    def __str__(self) -> str:
        return self.text


@lru_cache(maxsize=8192)
def _parse_partial_date(text: str) -> PartialDate | None:
    """Parsing, cached: a sync meets the same few thousand dates again and again."""
    match = _PARTIAL_DATE.match(text)
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        if day is not None:
            exact = date(int(year), int(month), int(day))
            return PartialDate(text, exact, exact)
        if month is not None:
            last = calendar.monthrange(int(year), int(month))[1]
            return PartialDate(
                text, date(int(year), int(month), 1), date(int(year), int(month), last)
            )
        return PartialDate(text, date(int(year), 1, 1), date(int(year), 12, 31))
    except ValueError:
        return None


@dataclass(slots=True, unsafe_hash=True)
class StudyDate:
    """A key date of a study (start, primary completion, completion) and its type."""

    date: PartialDate
    type: str | None  # "ACTUAL" or "ESTIMATED" when the registry says


@dataclass(slots=True, unsafe_hash=True)
class Intervention:
    type: str | None  # DRUG, BIOLOGICAL, PROCEDURE, ...
    name: str
    other_names: tuple[str, ...] = ()
    arm_labels: tuple[str, ...] = field(default=(), compare=False)
    description: str | None = field(default=None, compare=False)


@dataclass(slots=True, unsafe_hash=True)
class ArmGroup:
    """An arm of a study: who gets what. `intervention_names` are as the registry writes
    them, "Type: Name"."""

    label: str
    type: str | None = None  # EXPERIMENTAL, ACTIVE_COMPARATOR, PLACEBO_COMPARATOR, ...
    description: str | None = None
    intervention_names: tuple[str, ...] = ()


@dataclass(slots=True, unsafe_hash=True)
class Outcome:
    """A primary outcome: what is measured, and when."""

    measure: str
    time_frame: str | None = None


@dataclass(slots=True, unsafe_hash=True)
class Design:
    allocation: str | None = None  # RANDOMIZED, NON_RANDOMIZED, NA
    intervention_model: str | None = None  # SINGLE_GROUP, PARALLEL, CROSSOVER, ...
    masking: str | None = None  # NONE, SINGLE, DOUBLE, TRIPLE, QUADRUPLE
    primary_purpose: str | None = None  # TREATMENT, PREVENTION, SUPPORTIVE_CARE, ...


@dataclass(slots=True, unsafe_hash=True)
class Mesh:
    """The registry's derived MeSH terms for a study's conditions or interventions."""

    terms: tuple[str, ...] = ()
    ancestors: tuple[str, ...] = ()


@dataclass(slots=True, unsafe_hash=True)
class Reference:
    pmid: str | None = None
    type: str | None = None  # BACKGROUND, RESULT, DERIVED
    citation: str | None = None


NO_DESIGN = Design()
NO_MESH = Mesh()
"""What a record without those modules has (values, so one of each serves every record)."""


@dataclass(slots=True, unsafe_hash=True)
class StudyRecord:
    """One study as the tracker stores it. Every field but the NCT id may be missing."""

    nct_id: str
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    overall_status: str | None = None
    last_known_status: str | None = None
    why_stopped: str | None = None
    phases: tuple[str, ...] = ()
    study_type: str | None = None
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    lead_sponsor: str | None = None
    enrollment: int | None = None
    enrollment_type: str | None = None
    start: StudyDate | None = None
    primary_completion: StudyDate | None = None
    completion: StudyDate | None = None
    first_posted: PartialDate | None = None
    results_first_posted: PartialDate | None = None
    last_update_posted: PartialDate | None = None
    status_verified: PartialDate | None = None
    has_results: bool = False
    aliases: tuple[str, ...] = ()
    brief_summary: str | None = None
    arm_groups: tuple[ArmGroup, ...] = ()
    primary_outcomes: tuple[Outcome, ...] = ()
    design: Design = NO_DESIGN
    condition_mesh: Mesh = NO_MESH
    intervention_mesh: Mesh = NO_MESH
    references: tuple[Reference, ...] = ()
    source_hash: str | None = field(default=None, compare=False)
    """SHA-256 of the study's JSON as the registry sent it, when the page was read typed
    (`tracker.ctgov.typed`); not part of what the record says."""


@dataclass(slots=True, unsafe_hash=True)
class ApiVersion:
    """What `/version` says: the API's version and when its data last refreshed."""

    api_version: str | None
    data_timestamp: str | None  # as given, e.g. "2026-03-25T09:00:05"
