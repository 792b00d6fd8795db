"""A claim's topic as the exact `GET /studies` parameters of ClinicalTrials.gov API v2.

Parameters, in the order `StudyQuery.params` returns them:

- `query.cond`: the conditions, OR-ed (ConditionSearch: conditions, keywords, titles);
- `query.intr`: the interventions, OR-ed (InterventionSearch: names, other names, arms);
- `query.term`: the extra terms, AND-ed (BasicSearch);
- `filter.ids`: NCT ids, comma-separated (the trials a claim names; a filter, since a
  query made only of NCT ids makes the API ignore the other filters);
- `filter.advanced`: the study types OR-ed in parentheses, then the phases likewise
  (`AREA[Phase]PHASE3`), then each excluded area's phrases as
  `NOT AREA[ConditionSearch](a OR b)` (`InterventionSearch`, `BasicSearch` for terms),
  AND-ed with the update window `AREA[LastUpdatePostDate]RANGE[YYYY-MM-DD,MAX]`;
- `fields`: the piece names of `STUDY_FIELDS`, comma-separated;
- `pageSize`: 1000 unless told otherwise (the API's maximum);
- `countTotal`: `true`, so the first page says how many studies the walk will see.

Search terms follow the API's Essie syntax: a term that is one plain word (letters and
digits) stays bare, so the service still expands it; anything else — several words,
punctuation, or a word Essie reads as an operator such as `AND`, `RANGE` or `ALL` (which
alone means every record) — becomes a quoted phrase. Inside a phrase a double quote or a
backslash is escaped with a backslash, as the official syntax page says; runs of white
space collapse to one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

MAX_PAGE_SIZE = 1000

STUDY_FIELDS: tuple[str, ...] = (
    "NCTId",
    "NCTIdAlias",
    "BriefTitle",
    "OfficialTitle",
    "Acronym",
    "OverallStatus",
    "LastKnownStatus",
    "WhyStopped",
    "StartDate",
    "StartDateType",
    "PrimaryCompletionDate",
    "PrimaryCompletionDateType",
    "CompletionDate",
    "CompletionDateType",
    "StudyFirstPostDate",
    "ResultsFirstPostDate",
    "LastUpdatePostDate",
    "StatusVerifiedDate",
    "StudyType",
    "Phase",
    "EnrollmentCount",
    "EnrollmentType",
    "Condition",
    "Keyword",
    "InterventionType",
    "InterventionName",
    "InterventionOtherName",
    "InterventionArmGroupLabel",
    "InterventionDescription",
    "ArmGroupLabel",
    "ArmGroupType",
    "ArmGroupDescription",
    "ArmGroupInterventionName",
    "PrimaryOutcomeMeasure",
    "PrimaryOutcomeTimeFrame",
    "DesignAllocation",
    "DesignInterventionModel",
    "DesignMasking",
    "DesignPrimaryPurpose",
    "BriefSummary",
    "ConditionMeshTerm",
    "ConditionAncestorTerm",
    "InterventionMeshTerm",
    "InterventionAncestorTerm",
    "ReferencePMID",
    "ReferenceType",
    "ReferenceCitation",
    "LeadSponsorName",
    "HasResults",
)
"""Piece names (the API's own, as in `/studies/metadata`) of what `StudyRecord` keeps."""

FIELDS_PARAM = ",".join(STUDY_FIELDS)

ESSIE_OPERATORS = frozenset(
    {
        "AND",
        "OR",
        "NOT",
        "AREA",
        "RANGE",
        "SEARCH",
        "EXPANSION",
        "COVERAGE",
        "MISSING",
        "TILT",
        "DISTANCE",
        "ALL",
    }
)
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9]+$")
_ENUM_VALUE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_NCT_ID = re.compile(r"^NCT\d{8}$")


def essie_term(text: str) -> str:
    """One search term in Essie syntax: a bare plain word, else a quoted phrase."""
    cleaned = " ".join(text.split())
    if not any(char.isalnum() for char in cleaned):
        raise ValueError(f"nothing to search for in the term {text!r}")
    if _PLAIN_WORD.match(cleaned) and cleaned.upper() not in ESSIE_OPERATORS:
        return cleaned
    escaped = cleaned.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def essie_join(operator: str, terms: Iterable[str]) -> str:
    """Terms joined by `OR` or `AND`, each quoted as `essie_term` says."""
    return f" {operator} ".join(essie_term(term) for term in terms)


EXCLUDED_AREAS = {
    "exclude_conditions": "ConditionSearch",
    "exclude_interventions": "InterventionSearch",
    "exclude_terms": "BasicSearch",
}
"""Where each kind of excluded phrase is searched, to be left out."""


@dataclass(frozen=True)
class StudyQuery:
    """What to ask ClinicalTrials.gov for one claim's topic."""

    conditions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    study_types: tuple[str, ...] = ()
    updated_since: date | None = None
    nct_ids: tuple[str, ...] = ()
    exclude_conditions: tuple[str, ...] = ()
    exclude_interventions: tuple[str, ...] = ()
    exclude_terms: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("conditions", "interventions", "terms", *EXCLUDED_AREAS):
            object.__setattr__(self, name, _distinct_terms(name, getattr(self, name)))
        object.__setattr__(self, "study_types", _codes("study type", self.study_types))
        object.__setattr__(self, "phases", _codes("phase", self.phases))
        object.__setattr__(self, "nct_ids", _nct_ids(self.nct_ids))
        if not (self.conditions or self.interventions or self.terms or self.nct_ids):
            raise ValueError("a study query needs a condition, an intervention, a term or an id")

    def params(self, *, page_size: int = MAX_PAGE_SIZE) -> dict[str, str]:
        """The exact query parameters of the first page (later pages add `pageToken`)."""
        params: dict[str, str] = {}
        if self.conditions:
            params["query.cond"] = essie_join("OR", self.conditions)
        if self.interventions:
            params["query.intr"] = essie_join("OR", self.interventions)
        if self.terms:
            params["query.term"] = essie_join("AND", self.terms)
        if self.nct_ids:
            params["filter.ids"] = ",".join(self.nct_ids)
        advanced = self.advanced_filter()
        if advanced:
            params["filter.advanced"] = advanced
        params["fields"] = FIELDS_PARAM
        params["pageSize"] = str(page_size)
        params["countTotal"] = "true"
        return params

    def advanced_filter(self) -> str | None:
        """The `filter.advanced` expression, or None when the topic filters nothing."""
        parts: list[str] = []
        for piece, values in (("StudyType", self.study_types), ("Phase", self.phases)):
            if values:
                areas = [f"AREA[{piece}]{value}" for value in values]
                parts.append(areas[0] if len(areas) == 1 else f"({' OR '.join(areas)})")
        for name, area in EXCLUDED_AREAS.items():
            if phrases := getattr(self, name):
                parts.append(f"NOT AREA[{area}]({essie_join('OR', phrases)})")
        if self.updated_since is not None:
            since = self.updated_since.isoformat()
            parts.append(f"AREA[LastUpdatePostDate]RANGE[{since},MAX]")
        return " AND ".join(parts) or None


def _as_tuple(name: str, values: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise TypeError(f"{name} must be a sequence of strings, not one string")
    return tuple(values)


def _distinct_terms(name: str, values: Iterable[str] | str) -> tuple[str, ...]:
    kept: dict[str, str] = {}
    for value in _as_tuple(name, values):
        essie_term(value)
        kept.setdefault(" ".join(value.split()).casefold(), value.strip())
    return tuple(kept.values())


def _nct_ids(values: Iterable[str] | str) -> tuple[str, ...]:
    ids = [value.strip().upper() for value in _as_tuple("nct_ids", values)]
    for nct_id in ids:
        if not _NCT_ID.match(nct_id):
            raise ValueError(f"not an NCT id: {nct_id!r}")
    return tuple(dict.fromkeys(ids))


def _codes(what: str, values: Iterable[str] | str) -> tuple[str, ...]:
    kinds: list[str] = []
    for value in _as_tuple(what, values):
        kind = "_".join(value.split()).upper()
        if not _ENUM_VALUE.match(kind):
            raise ValueError(f"not a {what}: {value!r}")
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)
