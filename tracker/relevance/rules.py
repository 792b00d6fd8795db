"""How a linked study bears on its claim: a tier, a score and the reasons, from the study's
own structure. Pure functions over a topic and a fetched record; the weights and the
matcher's word lists are data, in `weights.toml` beside this module.

Tiers (the README's "Relevance" table says the same):

- `direct`: a claim intervention is an intervention of an experimental, comparator or
  other tested arm (or of the study, when it lists no arms), and a claim condition is
  among the study's conditions, keywords, title or their MeSH terms;
- `background`: the claim intervention is only the setting: given in every arm alongside
  the tested treatment, or named in the title, summary or arm descriptions but an
  intervention of no arm;
- `indirect`: anything else the registry returned: connected only through MeSH coding or
  ancestors, descriptions, an observational cohort, or synonyms no text of the record
  shows.

A claim without interventions (or conditions) is judged on the other side alone.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from claims.spec import Topic
from db.enums import Tier
from tracker.ctgov.records import ArmGroup, Intervention, StudyRecord

TESTED_ARMS = frozenset({"EXPERIMENTAL", "ACTIVE_COMPARATOR", "OTHER"})
CONTROL_ARMS = frozenset({"PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION"})
COMPARATIVE_MODELS = frozenset({"PARALLEL", "CROSSOVER", "FACTORIAL"})
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Reason:
    """One rule that fired: its name, its weight in the score, and what it saw."""

    rule: str
    weight: float
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "weight": self.weight, "text": self.text}


@dataclass(frozen=True)
class Relevance:
    tier: Tier
    score: float
    reasons: tuple[Reason, ...]

    def reasons_json(self) -> list[dict[str, Any]]:
        return [reason.as_json() for reason in self.reasons]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("tracker.relevance").joinpath("weights.toml").read_text("utf-8")
    return tomllib.loads(text)


def weights() -> dict[str, float]:
    """Each rule's weight in the score."""
    return dict(_data()["weights"])


@lru_cache(maxsize=32768)
def _stems(text: str, expand_all: bool = False) -> tuple[str, ...]:
    """A text's comparable words: abbreviations expanded (in a study's text only when
    written in capitals, so "all" stays a word and "ALL" is a leukaemia), spellings
    unified, stop words dropped, each cut to its stem."""
    matching = _data()["matching"]
    spelling, short = matching["spelling"], matching["abbreviations"]
    stop, length = set(matching["stop_words"]), matching["stem_length"]
    found: list[str] = []
    for token in _TOKEN.findall(text):
        word = token.casefold()
        if word in short and (expand_all or sum(c.isupper() for c in token) >= 2):
            found.extend(_stems(short[word], True))
            continue
        word = spelling.get(word, word)
        if word.endswith("s") and len(word) > 3 and not word.endswith("ss"):
            word = word[:-1]
        word = spelling.get(word, word)
        if word not in stop:
            found.append(word[:length])
    return tuple(found)


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_stems(text, True)))


def _matches(phrase: Sequence[str], text: str | None) -> bool:
    """Whether enough of a claim phrase's words are in one text of the study."""
    if not text or not phrase:
        return False
    matching = _data()["matching"]
    words = set(_stems(text))
    needed = len(phrase)
    if needed > matching["all_words_up_to"]:
        needed = math.ceil(needed * matching["share_of_words"])
    return sum(word in words for word in phrase) >= needed


Phrases = Sequence[tuple[str, tuple[str, ...]]]


def _first(phrases: Phrases, texts: Iterable[str | None]) -> tuple[str, str] | None:
    """The first (claim phrase, study text) pair that matches, or None."""
    listed = [text for text in texts if text]
    for phrase, words in phrases:
        for text in listed:
            if _matches(words, text):
                return phrase, text
    return None


_ARM_ENTRY_TYPES = frozenset(
    {
        "drug",
        "biological",
        "procedure",
        "device",
        "radiation",
        "behavioral",
        "genetic",
        "dietary supplement",
        "combination product",
        "diagnostic test",
        "other",
    }
)


def _intervention_name(arm_entry: str) -> str:
    """ "Drug: Melphalan" → "Melphalan" (arms name their interventions "Type: Name")."""
    kind, sep, name = arm_entry.partition(": ")
    return name if sep and kind.casefold() in _ARM_ENTRY_TYPES else arm_entry


def _arms_of(intervention: Intervention, arms: Sequence[ArmGroup]) -> list[ArmGroup]:
    labels = {label.casefold() for label in intervention.arm_labels}
    name = intervention.name.casefold()
    return [
        arm
        for arm in arms
        if arm.label.casefold() in labels
        or any(_intervention_name(entry).casefold() == name for entry in arm.intervention_names)
    ]


@dataclass
class _Judgement:
    weights: dict[str, float]
    reasons: list[Reason]

    def add(self, rule: str, text: str) -> None:
        self.reasons.append(Reason(rule, self.weights[rule], text))


def _intervention_side(
    topic: Topic, study: StudyRecord, judged: _Judgement
) -> str:  # "tested" | "cohort" | "setting" | "coded" | "mentioned" | "none" | "n/a"
    if not topic.interventions:
        return "n/a"
    phrases = [(p, _phrase(p)) for p in topic.interventions]
    arms = study.arm_groups
    for intervention in study.interventions:
        hit = _first(phrases, (intervention.name, *intervention.other_names))
        if hit is None:
            continue
        phrase = hit[0]
        where = _arms_of(intervention, arms)
        if not arms:
            judged.add(
                "intervention_listed",
                f"intervention {phrase!r} is the study's intervention {intervention.name!r}"
                " (no arm groups)",
            )
            return "tested"
        tested = [arm for arm in where if arm.type in TESTED_ARMS]
        if tested and _is_setting(intervention, where, arms):
            judged.reasons.append(
                Reason(
                    "intervention_is_setting",
                    0.0,
                    f"intervention {phrase!r} ({intervention.name!r}) is given in every arm"
                    " alongside other treatment: the setting, not what is tested",
                )
            )
            return "setting"
        if tested:
            arm = tested[0]
            rule = (
                "intervention_in_experimental_arm"
                if arm.type == "EXPERIMENTAL"
                else "intervention_in_comparator_arm"
            )
            judged.add(rule, f"intervention {phrase!r} in arm {arm.label!r} ({arm.type})")
            return "tested"
        if where and all(arm.type is None for arm in where):
            judged.add(
                "intervention_in_cohort",
                f"intervention {phrase!r} is the exposure of cohort {where[0].label!r}",
            )
            return "cohort"
    coded = _first(
        phrases,
        (
            *study.intervention_mesh.terms,
            *study.intervention_mesh.ancestors,
            *(i.description for i in study.interventions),
        ),
    )
    if coded is not None:
        judged.add(
            "intervention_coded",
            f"intervention {coded[0]!r} only via MeSH term or description {coded[1][:80]!r}",
        )
        return "coded"
    mentioned = _first(
        phrases,
        (
            study.brief_title,
            study.official_title,
            study.brief_summary,
            *(arm.label for arm in arms),
            *(arm.description for arm in arms),
        ),
    )
    if mentioned is not None:
        judged.add(
            "intervention_mentioned",
            f"intervention {mentioned[0]!r} named in the record but an intervention of no arm",
        )
        return "mentioned"
    judged.reasons.append(
        Reason(
            "intervention_synonym_only",
            0.0,
            "no claim intervention in the record's text (matched through the registry's synonyms)",
        )
    )
    return "none"


def _is_setting(
    intervention: Intervention, where: list[ArmGroup], arms: Sequence[ArmGroup]
) -> bool:
    """In every arm of a study with several arms, and never alone in one."""
    if len(arms) < 2 or len(where) < len(arms):
        return False
    own = intervention.name.casefold()
    return all(
        any(_intervention_name(entry).casefold() != own for entry in arm.intervention_names)
        for arm in arms
    )


def _condition_side(topic: Topic, study: StudyRecord, judged: _Judgement) -> str:
    if not topic.conditions:
        return "n/a"
    phrases = [(p, _phrase(p)) for p in topic.conditions]
    listed = _first(
        phrases,
        (*study.conditions, *study.keywords, study.brief_title, study.official_title),
    )
    if listed is not None:
        judged.add("condition_listed", f"condition {listed[0]!r} as {listed[1][:80]!r}")
        return "listed"
    mesh = _first(phrases, study.condition_mesh.terms)
    if mesh is not None:
        judged.add("condition_mesh", f"condition {mesh[0]!r} via MeSH term {mesh[1]!r}")
        return "listed"
    ancestor = _first(phrases, study.condition_mesh.ancestors)
    if ancestor is not None:
        judged.add("condition_ancestor", f"condition via MeSH ancestor {ancestor[1]!r} only")
        return "ancestor"
    judged.reasons.append(
        Reason(
            "condition_synonym_only",
            0.0,
            "no claim condition in the record (matched through the registry's synonyms)",
        )
    )
    return "none"


def _evidence_weight(topic: Topic, study: StudyRecord, judged: _Judgement) -> None:
    phrases = [(p, _phrase(p)) for p in (*topic.interventions, *topic.conditions, *topic.terms)]
    title = _first(phrases, (study.brief_title, study.official_title))
    if title is not None:
        judged.add("phrase_in_title", f"{title[0]!r} in the title")
    outcome = _first(phrases, (o.measure for o in study.primary_outcomes))
    if outcome is not None:
        judged.add(
            "phrase_in_primary_outcome", f"{outcome[0]!r} in primary outcome {outcome[1][:80]!r}"
        )
    summary = _first(phrases, (study.brief_summary,))
    if summary is not None:
        judged.add("phrase_in_summary", f"{summary[0]!r} in the brief summary")
    design = study.design
    if design.allocation == "RANDOMIZED":
        judged.add("randomized", "randomised allocation")
    if design.intervention_model in COMPARATIVE_MODELS:
        judged.add("comparative", f"{design.intervention_model} design")
    if design.masking not in (None, "NONE"):
        judged.add("masked", f"masking {design.masking}")


def assess(topic: Topic, study: StudyRecord) -> Relevance:
    """The tier, score and reasons of one study for one claim's topic."""
    judged = _Judgement(weights(), [])
    intervention = _intervention_side(topic, study, judged)
    condition = _condition_side(topic, study, judged)
    _evidence_weight(topic, study, judged)
    if intervention in ("setting", "mentioned"):
        tier = Tier.BACKGROUND
    elif intervention in ("tested", "n/a") and condition in ("listed", "n/a"):
        tier = Tier.DIRECT
    else:
        tier = Tier.INDIRECT
    score = round(min(1.0, sum(reason.weight for reason in judged.reasons)), 3)
    return Relevance(tier, score, tuple(judged.reasons))
