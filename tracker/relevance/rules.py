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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from claims.spec import Topic
from db.enums import Tier
from tracker.ctgov.records import ArmGroup, Intervention, StudyRecord
from tracker.relevance.words import (
    covers,
    phrase_in,
    phrase_stems,
    rule_data,
    text_stems,
    text_words,
)

TESTED_ARMS = frozenset({"EXPERIMENTAL", "ACTIVE_COMPARATOR", "OTHER"})
CONTROL_ARMS = frozenset({"PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION"})
COMPARATIVE_MODELS = frozenset({"PARALLEL", "CROSSOVER", "FACTORIAL"})


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


def weights() -> dict[str, float]:
    """Each rule's weight in the score."""
    return dict(rule_data()["weights"])


Phrases = Sequence[tuple[str, tuple[str, ...]]]


def _first(phrases: Phrases, texts: Iterable[str | None]) -> tuple[str, str] | None:
    """The first (claim phrase, study text) pair that matches, or None."""
    listed = [(text, text_words(text)) for text in texts if text]
    for phrase, words in phrases:
        for text, found in listed:
            if covers(words, found):
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


def _intervention_side(topic: Topic, study: StudyRecord, judged: _Judgement) -> str:
    """How the claim's interventions figure in the study: "tested", "partner",
    "comparator", "setting", "cohort", "coded", "mentioned", "none", or "n/a" (the claim
    names no intervention)."""
    if not topic.interventions:
        return "n/a"
    phrases = [(p, phrase_stems(p)) for p in topic.interventions]
    arms = study.arm_groups
    matched: list[tuple[str, Intervention]] = []
    for intervention in study.interventions:
        hit = _first(phrases, (intervention.name, *intervention.other_names))
        if hit is not None:
            matched.append((hit[0], intervention))
    if matched:
        phrase, first = matched[0]
        if not arms:
            judged.add(
                "intervention_listed",
                f"intervention {phrase!r} is the study's intervention {first.name!r}"
                " (no arm groups)",
            )
            return "tested"
        where = [arm for arm in arms if any(arm in _arms_of(i, arms) for _, i in matched)]
        if any(arm.type in TESTED_ARMS for arm in where):
            return _arm_role(phrase, phrases, where, study, judged)
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
        if study.study_type == "OBSERVATIONAL":
            judged.add(
                "intervention_in_cohort",
                f"intervention {mentioned[0]!r} named in an observational study's record",
            )
            return "cohort"
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


_COMBINED = re.compile(r"\s+(?:\+|plus|and|with|combined with)\s+|\s*[+/]\s*", re.IGNORECASE)


def _treatments(arm: ArmGroup, phrases: Phrases) -> tuple[bool, set[str]]:
    """Whether the arm gets a claim intervention, and its other treatments, each by its
    first word's stem ("Tadalafil 5 mg" and "tadalafil" agree). Entries are split where
    they combine treatments ("Sildenafil plus hyperbaric oxygen"); placebos, shams, tests
    and measurements are no treatment."""
    ignored = rule_data()["matching"]["not_treatment_words"]
    own, others = False, set()
    for entry in arm.intervention_names:
        if entry.casefold().startswith("diagnostic test:"):
            continue
        for part in _COMBINED.split(_intervention_name(entry)):
            if any(phrase_in(words, part) for _, words in phrases):
                own = True
            elif not any(word in part.casefold() for word in ignored) and (
                stems := text_stems(part)
            ):
                others.add(stems[0])
    return own, others


def _named_first(study: StudyRecord, phrases: Phrases, others: set[str]) -> str | None:
    """In a single-arm combination, the other treatment when the title names it before any
    claim intervention (titles name the investigational agent first: "X with Y")."""
    title = text_stems(study.official_title or study.brief_title or "")
    claim = {word for _, words in phrases for word in words}
    for word in title:
        if word in others:
            return word
        if word in claim:
            return None
    return None


def _has_placebo(arm: ArmGroup) -> bool:
    return arm.type in CONTROL_ARMS or any(
        word in entry.casefold() for entry in arm.intervention_names for word in ("placebo", "sham")
    )


def _arm_role(
    phrase: str, phrases: Phrases, where: list[ArmGroup], study: StudyRecord, judged: _Judgement
) -> str:
    """What the claim intervention is in the arms that get it:

    - the setting: every arm gets it, some with other treatment, no experimental arm gets
      it alone (a crossover is exempt: there every arm gets everything by design);
    - a partner: the experimental arms that get it also get a treatment that arms without
      it get, with no placebo in its stead; or it is the backbone of several different
      combinations (an umbrella study of what is added to it);
    - a variant: every arm gets it alone, none is a control: the study compares ways of
      giving it, not whether it works;
    - only the comparator: experimental arms go without it;
    - else what is tested.
    """
    arms = study.arm_groups
    got = {arm.label: _treatments(arm, phrases) for arm in arms}
    everywhere = len(arms) >= 2 and all(got[arm.label][0] for arm in arms)
    alone_tested = any(arm.type == "EXPERIMENTAL" and not got[arm.label][1] for arm in where)
    crossover = study.design.intervention_model == "CROSSOVER"
    if everywhere and not crossover and any(got[a.label][1] for a in arms) and not alone_tested:
        judged.add(
            "intervention_is_setting",
            f"intervention {phrase!r} is given in every arm alongside other treatment:"
            " the setting, not what is tested",
        )
        return "setting"
    experimental = [arm for arm in where if arm.type == "EXPERIMENTAL"]
    tested = experimental or where
    shared = set.intersection(*(got[arm.label][1] for arm in tested))
    others = [arm for arm in arms if not got[arm.label][0]]
    partnered = any(
        any(name in got[arm.label][1] for arm in others)
        and not any(_has_placebo(arm) for arm in others if name in got[arm.label][1])
        for name in shared
    )
    combinations = {frozenset(got[arm.label][1]) for arm in where if got[arm.label][1]}
    if partnered or len(combinations) >= 2:
        judged.add(
            "intervention_is_partner",
            f"intervention {phrase!r} is given with treatments other arms test:"
            " a partner of what is tested",
        )
        return "partner"
    if everywhere and not crossover and not any(_has_placebo(arm) for arm in arms):
        judged.add(
            "intervention_variants_only",
            f"every arm gets intervention {phrase!r}, none is a control:"
            " the study compares ways of giving it",
        )
        return "variant"
    unlisted = [arm for arm in arms if not arm.intervention_names and arm.type in TESTED_ARMS]
    if unlisted and not everywhere:
        judged.add(
            "intervention_arms_unlisted",
            f"arm {unlisted[0].label!r} lists no intervention: the record does not say"
            f" what its arms differ by",
        )
        return "partner"
    if len(tested) == 1 and len(arms) == 1 and got[arms[0].label][1]:
        first = _named_first(study, phrases, got[arms[0].label][1])
        if first is not None:
            judged.add(
                "intervention_is_partner",
                f"intervention {phrase!r} is combined with {first!r}, which the title names"
                " first: a partner of what is tested",
            )
            return "partner"
    if not experimental and any(arm.type == "EXPERIMENTAL" for arm in arms):
        judged.add(
            "intervention_comparator_only",
            f"intervention {phrase!r} only in comparator arm {where[0].label!r}"
            f" ({where[0].type}): the study tests something against it",
        )
        return "comparator"
    arm = tested[0]
    rule = (
        "intervention_in_experimental_arm"
        if arm.type == "EXPERIMENTAL"
        else "intervention_in_comparator_arm"
    )
    judged.add(rule, f"intervention {phrase!r} in arm {arm.label!r} ({arm.type})")
    return "tested"


def _names_the_term(phrase: Sequence[str], term: str) -> bool:
    """A MeSH term stands for the claim's condition when the phrase covers most of the
    term's words too: "Liver Neoplasms" is "liver cancer", "Precursor Cell Lymphoblastic
    Leukemia-Lymphoma" is not "lymphoma"."""
    words = set(text_stems(term))
    share = rule_data()["matching"]["share_of_words"]
    return bool(words) and sum(word in phrase for word in words) >= share * len(words)


def _condition_side(topic: Topic, study: StudyRecord, judged: _Judgement) -> str:
    """ "listed" (a claim condition is the study's), "ancestor", "none", or "n/a". A claim
    without interventions needs its condition among the study's conditions or their
    MeSH terms: a keyword or the title is not enough there."""
    if not topic.conditions:
        return "n/a"
    phrases = [(p, phrase_stems(p)) for p in topic.conditions]
    own: tuple[str | None, ...] = study.conditions
    if topic.interventions:
        own = (*own, study.brief_title, study.official_title)
    listed = _first(phrases, own)
    if listed is not None:
        judged.add("condition_listed", f"condition {listed[0]!r} as {listed[1][:80]!r}")
        return "listed"
    mesh = next(
        (
            (phrase, term)
            for phrase, words in phrases
            for term in study.condition_mesh.terms
            if phrase_in(words, term) and _names_the_term(words, term)
        ),
        None,
    )
    if mesh is not None:
        judged.add("condition_mesh", f"condition {mesh[0]!r} via MeSH term {mesh[1]!r}")
        return "listed"
    ancestor = _first(
        phrases,
        (*study.keywords, *study.condition_mesh.terms, *study.condition_mesh.ancestors),
    )
    if ancestor is not None:
        judged.add(
            "condition_ancestor",
            f"condition only via a keyword, a broader MeSH term or ancestor {ancestor[1]!r}",
        )
        return "ancestor"
    judged.reasons.append(
        Reason(
            "condition_synonym_only",
            0.0,
            "no claim condition in the record (matched through the registry's synonyms)",
        )
    )
    return "none"


def _terms_missing(topic: Topic, study: StudyRecord, judged: _Judgement) -> bool:
    """A claim term (AND-ed) that the study's own structure does not carry: found by the
    registry only in its summary, eligibility or descriptions."""
    texts = (
        study.brief_title,
        study.official_title,
        *study.conditions,
        *study.keywords,
        *(arm.label for arm in study.arm_groups),
        *(i.name for i in study.interventions),
        *(o.measure for o in study.primary_outcomes),
    )
    for term in topic.terms:
        if _first([(term, phrase_stems(term))], texts) is None:
            judged.reasons.append(
                Reason(
                    "term_outside_structure",
                    0.0,
                    f"term {term!r} in no title, condition, arm or primary outcome",
                )
            )
            return True
    return False


def _outcomes_not_clinical(study: StudyRecord, judged: _Judgement) -> bool:
    """Every primary outcome measures something other than a clinical effect: a level in
    the blood, genes, pharmacokinetics, preference, cost, feasibility."""
    cues = rule_data()["outcomes"]["not_clinical"]
    measures = [o.measure.casefold() for o in study.primary_outcomes]
    if not measures or not all(any(cue in m for cue in cues) for m in measures):
        return False
    judged.reasons.append(
        Reason(
            "outcome_not_clinical",
            0.0,
            "primary outcomes measure no clinical effect:"
            f" {study.primary_outcomes[0].measure[:80]!r}",
        )
    )
    return True


def _evidence_weight(topic: Topic, study: StudyRecord, judged: _Judgement) -> None:
    phrases = [
        (p, phrase_stems(p)) for p in (*topic.interventions, *topic.conditions, *topic.terms)
    ]
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
    elif (
        intervention in ("tested", "n/a")
        and condition in ("listed", "n/a")
        and not _outcomes_not_clinical(study, judged)
        and not _terms_missing(topic, study, judged)
    ):
        tier = Tier.DIRECT
    else:
        tier = Tier.INDIRECT
    score = round(min(1.0, sum(reason.weight for reason in judged.reasons)), 3)
    return Relevance(tier, score, tuple(judged.reasons))
