"""A synthetic registry in the API v2 shape, and claims that search it.

Each claim's topic names one condition "concept" (some add a second, OR-ed, or an
intervention, AND-ed). A concept is listed by between a few and a few thousand studies
(skewed towards few, as in the real registry), and a study lists about two concepts, so
many studies are shared by several claims. Statuses, dates and results follow a realistic
mix; every study was last updated a few days before the registry's data timestamp, so an
incremental sync finds nothing until `changed_studies` replace some. Everything is drawn
from one seeded generator: the same scale gives the same corpus.

Each study is kept as its JSON bytes, encoded as soon as it is drawn, and the fake
registry stores those same bytes: at the registry's 550,000 studies, dicts took GBs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson

from benchmarks import vocabulary
from tracker.fake_registry.stored import encode

DATA_TIMESTAMP = "2026-03-25T09:00:05"
CHANGED_DATA_TIMESTAMP = "2026-03-26T09:00:05"
AS_OF = date(2025, 9, 1)
_LAST_UPDATE_BY = date(2026, 3, 20)
_FIRST_POSTED = (date(2005, 1, 1), date(2026, 3, 15))
_PAST_STATUSES = (
    ("COMPLETED", 65),
    ("UNKNOWN", 17),
    ("TERMINATED", 10),
    ("WITHDRAWN", 4),
    ("ACTIVE_NOT_RECRUITING", 3),
    ("SUSPENDED", 1),
)
_FUTURE_STATUSES = (
    ("RECRUITING", 55),
    ("ACTIVE_NOT_RECRUITING", 20),
    ("NOT_YET_RECRUITING", 15),
    ("ENROLLING_BY_INVITATION", 5),
    ("WITHDRAWN", 3),
    ("SUSPENDED", 2),
)
_PHASES = (("PHASE1",), ("PHASE2",), ("PHASE1", "PHASE2"), ("PHASE3",), ("PHASE4",), ("NA",))
_STOP_REASONS = ("Slow accrual", "Sponsor decision", "Lack of efficacy", "Funding ended")


@dataclass(frozen=True)
class Scale:
    """How many claims search how many studies."""

    name: str
    claims: int
    studies: int

    @property
    def most_matches(self) -> int:
        """The largest number of studies one concept is listed by."""
        return min(3000, self.studies // 4)


SCALES = {
    "tiny": Scale("tiny", 10, 1_000),
    "mini": Scale("mini", 30, 3_000),
    "small": Scale("small", 100, 10_000),
    "large": Scale("large", 1_000, 100_000),
    "registry": Scale("registry", 5_000, 550_000),
}
"""`registry` is the whole ClinicalTrials.gov's size, where the digest is measured at scale."""


@dataclass
class Registry:
    """The studies (v2 JSON, each as its bytes) and the claim file that goes with them."""

    scale: Scale
    studies: list[bytes]
    claims: list[dict[str, Any]]

    def records(self) -> Iterator[dict[str, Any]]:
        """The studies decoded, one at a time."""
        return map(orjson.loads, self.studies)

    def claim_file(self) -> dict[str, Any]:
        """The claims as one claim file (the README's "Claim files" format, as data)."""
        return {
            "article": {
                "id": f"benchmark-{self.scale.name}",
                "title": f"Synthetic benchmark claims ({self.scale.name})",
                "url": None,
                "published": None,
            },
            "claims": self.claims,
        }


def generate(scale: Scale, seed: int = 2026) -> Registry:
    """The registry of a scale: deterministic for a given seed."""
    rng = random.Random(f"{seed}-{scale.name}")
    used: set[str] = set()
    concepts = vocabulary.condition_names(rng, max(2, scale.claims * 6 // 5), used)
    fillers = vocabulary.condition_names(rng, max(10, scale.studies // 50), used)
    pools = _Pools(
        drugs={name: vocabulary.drug_names(rng, 3, used) for name in concepts},
        common_drugs=vocabulary.drug_names(rng, 50, used),
        sponsors=vocabulary.sponsor_names(rng, max(20, scale.studies // 100), used),
        words=vocabulary.unique_roots(rng, 2000, used),
    )
    listed = _concepts_of_studies(rng, scale, concepts, fillers)
    studies = [
        encode(_study(rng, index, conditions, pools)) for index, conditions in enumerate(listed)
    ]
    claims = [_claim(rng, index, concepts, pools.drugs) for index in range(scale.claims)]
    return Registry(scale, studies, claims)


def changed_studies(registry: Registry, share: float = 0.01) -> list[dict[str, Any]]:
    """New versions of `share` of the studies, as the refresh of `CHANGED_DATA_TIMESTAMP`
    would bring them: status moves, results posted, other edits; all updated that day."""
    rng = random.Random(f"changes-{registry.scale.name}")
    chosen = rng.sample(registry.studies, max(1, round(len(registry.studies) * share)))
    changed = [orjson.loads(body) for body in chosen]
    for raw in changed:
        _change(rng, raw, CHANGED_DATA_TIMESTAMP[:10])
    return changed


def _concepts_of_studies(
    rng: random.Random, scale: Scale, concepts: list[str], fillers: list[str]
) -> list[list[str]]:
    listed: list[list[str]] = [[] for _ in range(scale.studies)]
    for concept in concepts:
        count = round(3 * (scale.most_matches / 3) ** (rng.random() ** 2))
        for index in rng.sample(range(scale.studies), count):
            listed[index].append(concept)
    for conditions in listed:
        if not conditions or rng.random() < 0.3:
            conditions.append(rng.choice(fillers))
    return listed


def _claim(
    rng: random.Random, index: int, concepts: list[str], drugs: dict[str, list[str]]
) -> dict[str, Any]:
    concept = concepts[index % len(concepts)]
    conditions = [concept]
    if rng.random() < 0.4:
        conditions.append(rng.choice(concepts))
    topic: dict[str, Any] = {"conditions": list(dict.fromkeys(conditions))}
    if rng.random() < 0.3:
        topic["interventions"] = [drugs[concept][0]]
    return {
        "id": f"claim-{index + 1:04d}",
        "text": f"Synthetic claim {index + 1} about {concept.lower()}.",
        "as_of": AS_OF,
        "topic": topic,
    }


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    names, weights = zip(*choices, strict=True)
    return rng.choices(names, weights)[0]


def _day(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randrange(max(1, (high - low).days)))


@dataclass(frozen=True)
class _Pools:
    """Names studies draw from: each concept's drugs, other drugs, sponsors, plain words."""

    drugs: dict[str, list[str]]
    common_drugs: list[str]
    sponsors: list[str]
    words: list[str]


def _study(rng: random.Random, index: int, conditions: list[str], pools: _Pools) -> dict[str, Any]:
    nct_id = f"NCT{index * 7 + 100_000:08d}"
    names = [rng.choice(pools.drugs.get(conditions[0], pools.common_drugs))]
    if rng.random() < 0.5:
        names.append(rng.choice(pools.common_drugs))
    sponsor = rng.choice(pools.sponsors)
    interventional = rng.random() < 0.78
    phases = rng.choice(_PHASES) if interventional else ()
    drug, condition = names[0], conditions[0]
    protocol: dict[str, Any] = {
        "identificationModule": {
            "nctId": nct_id,
            "orgStudyIdInfo": {"id": f"{rng.choice(pools.words).upper()}-{index:05d}"},
            "organization": {"fullName": sponsor, "class": "OTHER"},
            "briefTitle": f"{drug.title()} in Patients With {condition}",
            "officialTitle": (
                "A Randomized, Double-Blind, Placebo-Controlled, Multicenter Study to Evaluate "
                f"the Efficacy and Safety of {drug.title()} in Adults With {condition}"
            ),
        },
        "statusModule": _status(rng),
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": sponsor, "class": "OTHER"}},
        "descriptionModule": {"briefSummary": _summary(rng, drug, condition, pools.words)},
        "conditionsModule": {
            "conditions": conditions,
            "keywords": rng.sample(pools.words, rng.randrange(4)),
        },
        "designModule": {
            "studyType": "INTERVENTIONAL" if interventional else "OBSERVATIONAL",
            "phases": list(phases),
            "enrollmentInfo": {"count": rng.randrange(10, 2000), "type": "ESTIMATED"},
        },
        "armsInterventionsModule": _arms(rng, names, pools.words),
    }
    if rng.random() < 0.15:
        protocol["identificationModule"]["acronym"] = rng.choice(pools.words).upper()
    if not phases:
        del protocol["designModule"]["phases"]
    has_results = "resultsFirstPostDateStruct" in protocol["statusModule"]
    return {"protocolSection": protocol, "hasResults": has_results}


def _status(rng: random.Random) -> dict[str, Any]:
    first_posted = _day(rng, *_FIRST_POSTED)
    start = first_posted + timedelta(days=rng.randrange(-60, 90))
    completion = start + timedelta(days=rng.randrange(365, 6 * 365))
    past = completion < _LAST_UPDATE_BY
    status = _weighted(rng, _PAST_STATUSES if past else _FUTURE_STATUSES)
    kind = "ACTUAL" if past else "ESTIMATED"
    module: dict[str, Any] = {
        "statusVerifiedDate": first_posted.isoformat()[:7],
        "overallStatus": status,
        "startDateStruct": {"date": start.isoformat()[:7], "type": "ACTUAL"},
        "primaryCompletionDateStruct": {"date": completion.isoformat(), "type": kind},
        "completionDateStruct": {"date": completion.isoformat(), "type": kind},
        "studyFirstPostDateStruct": {"date": first_posted.isoformat(), "type": "ACTUAL"},
    }
    last_update = min(_LAST_UPDATE_BY, completion + timedelta(days=rng.randrange(10, 200)))
    if status in ("COMPLETED", "TERMINATED") and rng.random() < 0.35:
        posted = min(_LAST_UPDATE_BY, completion + timedelta(days=rng.randrange(180, 540)))
        module["resultsFirstPostDateStruct"] = {"date": posted.isoformat(), "type": "ACTUAL"}
        last_update = max(last_update, posted)
    if status in ("TERMINATED", "WITHDRAWN", "SUSPENDED"):
        module["whyStopped"] = rng.choice(_STOP_REASONS)
    if status == "UNKNOWN":
        module["lastKnownStatus"] = "RECRUITING"
    last_update = max(last_update, first_posted)
    module["lastUpdatePostDateStruct"] = {"date": last_update.isoformat(), "type": "ACTUAL"}
    return module


def _summary(rng: random.Random, drug: str, condition: str, words: list[str]) -> str:
    filler = " ".join(rng.choices(words, k=60))
    return f"This study evaluates {drug} in {condition.lower()}. {filler.capitalize()}."


def _arms(rng: random.Random, names: list[str], words: list[str]) -> dict[str, Any]:
    labels = [f"Arm {chr(65 + i)}: {name.title()}" for i, name in enumerate(names)]
    interventions = []
    for name, label in zip(names, labels, strict=True):
        item: dict[str, Any] = {
            "type": rng.choice(vocabulary.INTERVENTION_TYPES),
            "name": name,
            "description": f"{name} given as directed in the protocol.",
            "armGroupLabels": [label],
        }
        if rng.random() < 0.3:
            count = rng.randrange(1, 3)
            item["otherNames"] = [f"{rng.choice(words).upper()}-{n}" for n in range(count)]
        interventions.append(item)
    groups = [{"label": label, "type": "EXPERIMENTAL"} for label in labels]
    return {"armGroups": groups, "interventions": interventions}


def _change(rng: random.Random, raw: dict[str, Any], day: str) -> None:
    protocol = raw["protocolSection"]
    status = protocol["statusModule"]
    roll = rng.random()
    if status["overallStatus"] in ("RECRUITING", "ACTIVE_NOT_RECRUITING") and roll < 0.5:
        status["overallStatus"] = "COMPLETED" if roll < 0.4 else "TERMINATED"
        status["completionDateStruct"] = {"date": day, "type": "ACTUAL"}
        if status["overallStatus"] == "TERMINATED":
            status["whyStopped"] = rng.choice(_STOP_REASONS)
    elif status["overallStatus"] == "COMPLETED" and "resultsFirstPostDateStruct" not in status:
        status["resultsFirstPostDateStruct"] = {"date": day, "type": "ACTUAL"}
        raw["hasResults"] = True
    else:
        protocol["designModule"]["enrollmentInfo"]["count"] += rng.randrange(1, 50)
    status["lastUpdatePostDateStruct"] = {"date": day, "type": "ACTUAL"}
