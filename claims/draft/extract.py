"""From sentences to proposed claims: which sentences claim something, about what, how surely.

A sentence makes a claim when it says an intervention has an effect ("can restore", "improves
survival") or carries a named harm ("a risk of graft-versus-host disease"), and matches no
skip cue (calls to action, research agendas, background, boilerplate). Context fills gaps:
a sentence with no condition takes the article's subject; one that refers back ("This
approach…") takes the previous sentence's intervention, or is folded into its claim when
it adds only context. Restatements, such as a closing summary, are merged into the claim
they repeat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from claims.draft.sentences import Document
from claims.draft.vocabulary import Concept, Cues, Hit, Token, Vocabulary, tokenize
from claims.spec import Topic

MAX_CONDITIONS = 6
MAX_INTERVENTIONS = 6
MAX_TERMS = 2
MAX_SUBJECT_CONCEPTS = 2

EFFECT_SCORE = 0.40
EXPLICIT_SCORE = 0.20
CONTEXT_SCORE = 0.10
OUTCOME_SCORE = 0.10
EXTRA_EFFECT_SCORE = 0.05
MAX_EXTRA_EFFECT_SCORE = 0.10
HEDGE_PENALTY = 0.10
MAX_HEDGE_PENALTY = 0.30
NEGATION_PENALTY = 0.10
RESTATED_SCORE = 0.05
MIN_CONFIDENCE, MAX_CONFIDENCE = 0.05, 0.95

MODALS = frozenset({"can", "may", "could", "might", "will", "would", "should"})
DETERMINERS = frozenset({"the", "these", "this", "those", "such"})

Origin = Literal["sentence", "previous sentence", "article", "none"]


@dataclass(frozen=True)
class Reading:
    """What one sentence names, before context is applied."""

    text: str
    paragraph: int
    summary: bool
    conditions: tuple[Concept, ...]
    interventions: tuple[Concept, ...]
    standard_care: tuple[Concept, ...]
    outcomes: tuple[Concept, ...]
    effects: tuple[str, ...]
    effect_kinds: frozenset[str]
    harms: tuple[str, ...]
    hedges: tuple[str, ...]
    negations: tuple[str, ...]
    skip: str | None
    refers_back: bool
    combines: bool
    mentions: dict[str, str]
    determined: frozenset[str]
    pronoun_subject: bool = False
    explicit_reference: bool = False
    comparators: tuple[Concept, ...] = ()

    @property
    def named_harm(self) -> bool:
        return bool(self.conditions) or any(outcome.harm for outcome in self.outcomes)


@dataclass(frozen=True)
class Subject:
    """What the article is about: from its title, else its most named concepts."""

    conditions: tuple[Concept, ...]
    interventions: tuple[Concept, ...]


@dataclass
class Candidate:
    """A claim being assembled; folded and merged sentences add to it."""

    reading: Reading
    interventions: tuple[Concept, ...]
    intervention_origin: Origin
    conditions: list[Concept]
    condition_origin: Origin
    outcomes: list[Concept]
    co_treatments: tuple[Concept, ...]
    sources: list[str] = field(default_factory=list)
    restated: int = 0

    def key(self) -> tuple[frozenset[str], frozenset[str]]:
        return (
            frozenset(c.name for c in self.interventions),
            frozenset(c.name for c in self.conditions),
        )


@dataclass(frozen=True)
class ProposedClaim:
    """A claim for a person to review: its id, text, topic, and why it was proposed."""

    id: str
    text: str
    topic: Topic
    confidence: float
    reasons: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Skipped:
    sentence: str
    reason: str


MAX_MENTION = 40


def _surface(text: str, tokens: Sequence[Token], hit: Hit, *, modal: bool = False) -> str:
    """The words of `hit` as written; with `modal`, a "can" or "may" before it too."""
    start, end = hit.start, hit.end
    if modal and start > 0 and tokens[start - 1].word in MODALS:
        start -= 1
    return text[tokens[start].start : tokens[end - 1].end]


def _surfaces(text: str, tokens: Sequence[Token], hits: Iterable[Hit]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_surface(text, tokens, hit) for hit in hits))


def _concepts(hits: Iterable[Hit], kind: str) -> tuple[Concept, ...]:
    found = list(dict.fromkeys(hit.value for hit in hits if hit.value.kind == kind))
    narrower = {name for concept in found for name in concept.broader}
    return tuple(concept for concept in found if concept.name not in narrower)


def _reading_start(words: Sequence[str], hits: Sequence[Hit], cues: Cues) -> int:
    """Where the sentence's own claim starts: after an opening contrast, at its first
    intervention that is not standard care."""
    if not any(hit.start == 0 for hit in cues.contrast.find(words)):
        return 0
    primary = [
        h.start for h in hits if h.value.kind == "intervention" and not h.value.standard_care
    ]
    return min(primary, default=0)


def _after(hits: Iterable[Hit], start: int) -> list[Hit]:
    return [hit for hit in hits if hit.start >= start]


AGENT_NOUN = re.compile(r"(?:t|s|c)ors?$|(?:c|t)ers?$")
"""A word an effect prefix reaches that is a noun for an agent ("inhibitor", "enhancer")."""
COMPARATOR_REACH = 3
"""How many words after a comparator cue an intervention counts as the comparator."""
APPOSITIVE_REACH = 5
_APPOSITION = re.compile(r"^\s*[,(]\s*(?:a|an|the|another)\b", re.IGNORECASE)
SUBJECT_PRONOUNS = frozenset({"it", "they", "this", "these", "such", "its", "their"})


def _is_effect(hit: Hit, words: Sequence[str], spans: Sequence[tuple[int, int]]) -> bool:
    """An effect cue outside every condition and intervention name ("checkpoint
    inhibitors"; outcomes may hold one) and not an agent noun: "inhibits" is an effect,
    "inhibitors" a drug class."""
    if any(start <= hit.start and hit.end <= end for start, end in spans):
        return False
    last = words[hit.end - 1]
    prefix = hit.pattern.split()[-1]
    return not (prefix.endswith("*") and AGENT_NOUN.search(last) and not prefix[:-1].endswith(last))


def _comparators(
    text: str, tokens: Sequence[Token], hits: Sequence[Hit], cues: Cues
) -> set[Concept]:
    """Interventions named just after a comparator cue ("better than warfarin"), or in
    apposition to such a comparator ("escitalopram, a widely used SSRI")."""
    words = [token.word for token in tokens]
    reach = [(cue.end, cue.end + COMPARATOR_REACH) for cue in cues.comparators.find(words)]
    found: set[Concept] = set()
    last_end: int | None = None
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.value.kind != "intervention":
            continue
        near = any(lo <= hit.start < hi for lo, hi in reach)
        apposed = (
            last_end is not None
            and hit.start - last_end <= APPOSITIVE_REACH
            and _APPOSITION.match(text[tokens[last_end - 1].end : tokens[hit.start].start])
            is not None
        )
        if near or apposed:
            found.add(hit.value)
            last_end = hit.end
    return found


def _pronoun_subject(words: Sequence[str], hits: Sequence[Hit]) -> bool:
    """Opens with "It", "They", "These…" not followed by a name: the subject is the
    intervention of the sentence before."""
    return bool(words) and words[0] in SUBJECT_PRONOUNS and not any(h.start == 1 for h in hits)


def _refers_back(words: Sequence[str], effects: Sequence[Hit], cues: Cues) -> bool:
    """Opens with "This/These/Such…", says "this therapy", or has a pronoun before its effect."""
    before_effect = words[: min((hit.start for hit in effects), default=1)]
    return any(word in cues.anaphora for word in before_effect) or bool(cues.references.find(words))


def read_sentence(
    text: str, vocabulary: Vocabulary, *, paragraph: int = 0, summary: bool = False
) -> Reading:
    """Name the concepts and cues in one sentence."""
    tokens = tokenize(text)
    words = [token.word for token in tokens]
    cues = vocabulary.cues
    found = vocabulary.find(words)
    start = _reading_start(words, found, cues)
    hits = _after(found, start)
    comparators = _comparators(text, tokens, hits, cues)
    interventions = tuple(c for c in _concepts(hits, "intervention") if c not in comparators)
    spans = [(hit.start, hit.end) for hit in found if hit.value.kind != "outcome"]
    effects = [h for h in _after(cues.effects.find(words), start) if _is_effect(h, words, spans)]
    harms = _after(cues.harms.find(words), start)
    skips = cues.skip.find(words)
    surfaces = {hit: _surface(text, tokens, hit) for hit in hits}
    mentions = {
        hit.value.name: surface
        for hit, surface in reversed(surfaces.items())
        if len(surface) <= MAX_MENTION
    }
    return Reading(
        text=text,
        paragraph=paragraph,
        summary=summary,
        conditions=_concepts(hits, "condition"),
        interventions=tuple(c for c in interventions if not c.standard_care),
        standard_care=tuple(c for c in interventions if c.standard_care),
        outcomes=_concepts(hits, "outcome"),
        effects=tuple(dict.fromkeys(_surface(text, tokens, h, modal=True) for h in effects)),
        effect_kinds=frozenset(hit.pattern for hit in effects),
        harms=_surfaces(text, tokens, harms),
        hedges=_surfaces(text, tokens, cues.hedges.find(words)),
        negations=_surfaces(text, tokens, cues.negations.find(words)),
        skip=skips[0].value if skips else None,
        refers_back=_refers_back(words, effects, cues),
        combines=bool(cues.combination.find(words)),
        mentions=mentions,
        determined=frozenset(
            hit.value.name for hit in hits if hit.start and words[hit.start - 1] in DETERMINERS
        ),
        pronoun_subject=_pronoun_subject(words, found),
        explicit_reference=bool(cues.references.find(words)),
        comparators=tuple(comparators),
    )


def is_summary_start(text: str, vocabulary: Vocabulary) -> bool:
    words = [token.word for token in tokenize(text)]
    return any(hit.start == 0 for hit in vocabulary.cues.summary.find(words))


def read_article(document: Document, vocabulary: Vocabulary) -> list[Reading]:
    """Every sentence read; from the first summary opener on, sentences are summary."""
    readings = []
    summary = False
    for index, paragraph in enumerate(document.paragraphs):
        for sentence in paragraph.sentences:
            summary = summary or is_summary_start(sentence, vocabulary)
            readings.append(read_sentence(sentence, vocabulary, paragraph=index, summary=summary))
    return readings


def _most_named(concept_lists: Iterable[Sequence[Concept]]) -> tuple[Concept, ...]:
    counts: dict[Concept, int] = {}
    for concepts in concept_lists:
        for concept in concepts:
            counts[concept] = counts.get(concept, 0) + 1
    if not counts:
        return ()
    top = max(counts.values())
    return tuple(c for c, n in counts.items() if n == top)[:MAX_SUBJECT_CONCEPTS]


def find_subject(title: Reading | None, readings: Sequence[Reading]) -> Subject:
    """The title's conditions and interventions, else those the article names most often."""
    conditions = title.conditions if title else ()
    interventions = title.interventions if title else ()
    return Subject(
        conditions=conditions
        or _most_named([c for c in r.conditions if not c.generic] for r in readings),
        interventions=interventions or _most_named(r.interventions for r in readings),
    )


def _specific(conditions: Iterable[Concept]) -> tuple[Concept, ...]:
    """Conditions that can stand for a claim's own: neither too broad nor a symptom."""
    return tuple(c for c in conditions if not c.generic and not c.symptom)


def _joined(first: Reading, second: Reading) -> Reading:
    """Two sentences read as one claim: "Surgery carries risks. Bleeding occurs in 2 %…"."""
    return replace(
        second,
        text=f"{first.text} {second.text}",
        harms=first.harms + second.harms,
        hedges=first.hedges + second.hedges,
        mentions={**second.mentions, **first.mentions},
    )


class Drafter:
    """Walks the readings in order, keeping the context a sentence may lean on."""

    def __init__(self, subject: Subject) -> None:
        self.subject = subject
        self.candidates: list[Candidate] = []
        self.skipped: list[Skipped] = []
        self._previous: Reading | None = None
        self._previous_interventions: tuple[Concept, ...] = ()
        self._previous_candidate: Candidate | None = None
        self._paragraph_conditions: tuple[Concept, ...] = ()
        self._pending_harm: Reading | None = None

    def add(self, reading: Reading) -> None:
        same_paragraph = self._previous is not None and (
            self._previous.paragraph == reading.paragraph
        )
        if not same_paragraph:
            self._previous_interventions, self._previous_candidate = (), None
            self._paragraph_conditions, self._pending_harm = (), None
            self._previous = None
        pending, self._pending_harm = self._pending_harm, None
        candidate = self._consider(reading, pending)
        self._previous = reading
        self._previous_candidate = candidate
        if candidate is not None or reading.interventions:
            self._previous_interventions = (
                candidate.interventions if candidate else reading.interventions
            )
        if candidate is not None:
            self._paragraph_conditions = (
                _specific(candidate.conditions) or self._paragraph_conditions
            )

    def _skip(self, reading: Reading, reason: str) -> None:
        self.skipped.append(Skipped(reading.text, reason))

    def _consider(self, reading: Reading, pending: Reading | None) -> Candidate | None:
        if pending is not None and reading.named_harm and not (reading.effects or reading.harms):
            lead = reading.interventions or pending.interventions
            if not lead and pending.standard_care:
                lead = self.subject.interventions
            return self._propose(_joined(pending, reading), lead, [pending.text])
        if reading.harms and not reading.named_harm and not reading.effects:
            self._pending_harm = reading
        if reading.skip:
            self._skip(reading, reading.skip)
            return None
        is_harm = bool(reading.harms) and reading.named_harm
        if not reading.effects and not is_harm:
            adds = reading.conditions or reading.outcomes
            if reading.refers_back and adds and self._previous_candidate is not None:
                self._fold(self._previous_candidate, reading)
                return self._previous_candidate
            self._skip(reading, "risk without a named harm" if reading.harms else "no effect")
            return None
        return self._propose(reading, (), [])

    def _propose(
        self, reading: Reading, lead: tuple[Concept, ...], sources: list[str]
    ) -> Candidate | None:
        interventions, origin = (
            (lead, "previous sentence") if lead else self._interventions(reading)
        )
        if not interventions:
            reason = "about standard care only" if reading.standard_care else "no intervention"
            self._skip(reading, reason)
            return None
        previous = self._previous
        if (
            origin == "previous sentence"
            and not sources
            and previous is not None
            and previous.interventions
            and self._previous_candidate is None
        ):
            sources = [previous.text]
            reading = replace(reading, text=f"{previous.text} {reading.text}")
        conditions, condition_origin = self._conditions(reading)
        candidate = Candidate(
            reading=reading,
            interventions=interventions,
            intervention_origin=origin,
            conditions=list(conditions),
            condition_origin=condition_origin,
            outcomes=list(reading.outcomes),
            co_treatments=reading.standard_care if reading.combines else (),
            sources=[*sources, reading.text.removeprefix(" ".join(sources)).strip()],
        )
        self.candidates.append(candidate)
        return candidate

    def _conditions(self, reading: Reading) -> tuple[tuple[Concept, ...], Origin]:
        """The sentence's own conditions; else those of the paragraph's claim before, else
        the article's; its symptoms and harms ("nausea") join them."""
        symptoms = tuple(c for c in reading.conditions if c.symptom and not c.generic)
        own = _specific(reading.conditions)
        if own:
            return own + symptoms, "sentence"
        if self._paragraph_conditions:
            return self._paragraph_conditions + symptoms, "previous sentence"
        if self.subject.conditions:
            return self.subject.conditions + symptoms, "article"
        return reading.conditions, "sentence" if reading.conditions else "none"

    def _interventions(self, reading: Reading) -> tuple[tuple[Concept, ...], Origin]:
        if reading.pronoun_subject and self._previous_interventions:
            return self._previous_interventions, "previous sentence"
        if reading.interventions:
            narrower = self._referred(reading)
            return (
                (narrower, "previous sentence") if narrower else (reading.interventions, "sentence")
            )
        subject_care = tuple(c for c in reading.standard_care if c in self.subject.interventions)
        if subject_care:
            return subject_care, "sentence"
        if reading.refers_back and self._previous_interventions:
            return self._previous_interventions, "previous sentence"
        if reading.explicit_reference:
            return self.subject.interventions, "article"
        return (), "none"

    def _referred(self, reading: Reading) -> tuple[Concept, ...]:
        """What "these stem cells" mean when the sentence before named kinds of stem cells."""
        if not all(c.name in reading.determined for c in reading.interventions):
            return ()
        names = {c.name for c in reading.interventions}
        return tuple(c for c in self._previous_interventions if names & set(c.broader))

    @staticmethod
    def _fold(candidate: Candidate, reading: Reading) -> None:
        """A sentence adding only context to the claim before it: its conditions and outcomes."""
        candidate.sources.append(reading.text)
        if reading.conditions:
            if candidate.condition_origin != "sentence":
                candidate.conditions.clear()
                candidate.condition_origin = "sentence"
            candidate.conditions.extend(
                c for c in reading.conditions if c not in candidate.conditions
            )
        candidate.outcomes.extend(c for c in reading.outcomes if c not in candidate.outcomes)


def _restates(earlier: Candidate, later: Candidate) -> bool:
    """Same interventions and conditions, no outcome the earlier claim lacks, and either the
    same effect or the same paragraph (where a claim is often developed over sentences)."""
    if earlier.key() != later.key() or not later.outcomes:
        return False
    if not set(later.outcomes) <= set(earlier.outcomes):
        return False
    same_paragraph = earlier.reading.paragraph == later.reading.paragraph
    return same_paragraph or bool(earlier.reading.effect_kinds & later.reading.effect_kinds)


def _family(concepts: Iterable[Concept]) -> set[str]:
    return {name for c in concepts for name in (c.name, *c.broader)}


def _summarised(earlier: Sequence[Candidate], summary: Candidate) -> Candidate | None:
    """The earlier claim a summary sentence restates: its interventions (or kinds of them)
    and conditions, and the most outcomes in common."""
    related = [
        c
        for c in earlier
        if _family(c.interventions) & _family(summary.interventions)
        and set(c.conditions) & set(summary.conditions)
    ]
    if not related:
        return None
    return max(related, key=lambda c: len(set(c.outcomes) & set(summary.outcomes)))


def merge_restatements(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Drop candidates that repeat an earlier one, crediting it with the restatement."""
    kept: list[Candidate] = []
    for candidate in candidates:
        if candidate.reading.summary:
            target = _summarised(kept, candidate)
        else:
            target = next((k for k in kept if _restates(k, candidate)), None)
        if target is None:
            kept.append(candidate)
        else:
            target.sources.extend(s for s in candidate.sources if s not in target.sources)
            target.restated += 1
    return kept


def round_robin(lists: Iterable[Sequence[str]], limit: int) -> tuple[str, ...]:
    """The first item of each list, then the second of each, ..., without repeats."""
    pending = [list(items) for items in lists]
    chosen: dict[str, str] = {}
    depth = 0
    while len(chosen) < limit and any(depth < len(items) for items in pending):
        for items in pending:
            if depth < len(items) and len(chosen) < limit:
                chosen.setdefault(items[depth].casefold(), items[depth])
        depth += 1
    return tuple(chosen.values())


def _search(concept: Concept, candidate: Candidate, groups: Sequence[str]) -> tuple[str, ...]:
    """A concept's search terms; for a lexicon concept, the words the article used too
    (a brand name after its generic one: "pembrolizumab", "Keytruda")."""
    terms = concept.terms_for(groups)
    said = candidate.reading.mentions.get(concept.name)
    if concept.lexical and said and said.casefold() != concept.name.casefold():
        terms = (
            *terms,
            said if any(c.isupper() for c in said[1:]) or said.istitle() else said.lower(),
        )
    return terms


NCT_ID = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)


def nct_ids_in(texts: Iterable[str]) -> tuple[str, ...]:
    """The registry ids (`NCT01234567`) the texts name, upper-cased, each once, in order."""
    return tuple(dict.fromkeys(m.group().upper() for t in texts for m in NCT_ID.finditer(t)))


def topic_of(candidate: Candidate) -> Topic:
    groups = [c.group for c in candidate.conditions if c.group]
    terms = [c.search[0] for c in candidate.co_treatments]
    terms += [c.search[0] for c in candidate.outcomes if c.search][:1]
    return Topic(
        conditions=round_robin(
            (_search(c, candidate, groups) for c in candidate.conditions), MAX_CONDITIONS
        ),
        interventions=round_robin(
            (_search(c, candidate, groups) for c in candidate.interventions), MAX_INTERVENTIONS
        ),
        terms=round_robin([[term] for term in terms], MAX_TERMS),
        nct_ids=nct_ids_in(candidate.sources),
    )


def confidence_of(candidate: Candidate) -> float:
    """Effect cue, then how directly the sentence names its intervention, condition, outcome;
    hedges and negations lower it, restatements raise it."""
    reading = candidate.reading
    score = EFFECT_SCORE
    score += EXPLICIT_SCORE if candidate.intervention_origin == "sentence" else CONTEXT_SCORE
    if candidate.condition_origin == "sentence":
        score += EXPLICIT_SCORE
    elif candidate.condition_origin == "article":
        score += CONTEXT_SCORE
    if candidate.outcomes:
        score += OUTCOME_SCORE
    score += min(EXTRA_EFFECT_SCORE * max(len(reading.effects) - 1, 0), MAX_EXTRA_EFFECT_SCORE)
    score -= min(HEDGE_PENALTY * len(reading.hedges), MAX_HEDGE_PENALTY)
    score -= NEGATION_PENALTY if reading.negations else 0
    score += RESTATED_SCORE * min(candidate.restated, 2)
    return round(min(max(score, MIN_CONFIDENCE), MAX_CONFIDENCE), 2)


def _named(concepts: Sequence[Concept], reading: Reading, origin: Origin) -> str:
    names = ", ".join(f'"{reading.mentions.get(c.name, c.name)}"' for c in concepts)
    return names if origin == "sentence" else f"{names} from the {origin}"


def reasons_of(candidate: Candidate) -> str:
    reading = candidate.reading
    parts = []
    if reading.effects:
        parts.append(f'effect "{reading.effects[0]}"')
    else:
        parts.append(f'harm "{reading.harms[0]}"')
    parts.append(
        "intervention " + _named(candidate.interventions, reading, candidate.intervention_origin)
    )
    if candidate.conditions:
        parts.append(
            "condition " + _named(candidate.conditions, reading, candidate.condition_origin)
        )
    if candidate.outcomes:
        parts.append("outcome " + _named(candidate.outcomes, reading, "sentence"))
    if reading.negations:
        parts.append("negated " + ", ".join(f'"{n}"' for n in reading.negations))
    if reading.hedges:
        parts.append("hedged " + ", ".join(f'"{h}"' for h in reading.hedges))
    if candidate.restated:
        parts.append(f"restated {candidate.restated}x")
    return "; ".join(parts)


def propose(readings: Sequence[Reading], subject: Subject) -> tuple[list[Candidate], list[Skipped]]:
    """The claims the readings make, restatements merged, and the sentences skipped."""
    drafter = Drafter(subject)
    for reading in readings:
        drafter.add(reading)
    return merge_restatements(drafter.candidates), drafter.skipped


def _effect_word(reading: Reading) -> str:
    words = [w for w in (reading.effects or ("",))[0].split() if w.lower() not in MODALS]
    return words[0] if words else "risk"


def id_words(candidate: Candidate) -> list[str]:
    """What a claim id is made of: intervention, effect, outcome, condition."""
    return [
        *(c.short for c in candidate.interventions[:1]),
        _effect_word(candidate.reading),
        *(c.short for c in candidate.outcomes[:1]),
        *(c.short for c in candidate.conditions[:1]),
    ]
