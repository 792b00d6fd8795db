"""A claim file's content as typed values, validated and ready to load."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

STUDY_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")
PHASES = ("NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4")
RELEVANCE_TIERS = ("direct", "indirect", "background")


@dataclass(frozen=True)
class Topic:
    """What to search ClinicalTrials.gov for: conditions OR-ed, interventions OR-ed,
    terms AND-ed, optionally limited to some study types and phases; studies matching an
    `exclude_*` phrase in that search area are left out; and the trials the article names
    (`nct_ids`), linked whatever the search returns."""

    conditions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    study_types: tuple[str, ...] = ()
    nct_ids: tuple[str, ...] = ()
    exclude_conditions: tuple[str, ...] = ()
    exclude_interventions: tuple[str, ...] = ()
    exclude_terms: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClaimSpec:
    id: str
    text: str
    topic: Topic
    as_of: date | None = None
    min_relevance: str = "direct"


@dataclass(frozen=True)
class ArticleSpec:
    """One claim file: an article and the claims it makes, in file order."""

    id: str
    title: str
    source: str
    url: str | None = None
    published: date | None = None
    claims: tuple[ClaimSpec, ...] = field(default=())
