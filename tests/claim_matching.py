"""When a drafted claim counts as one a person listed: shared by the catalog-recovery test
and the unseen-articles test.

A draft claim *matches* a listed claim when both hold:

- their topics overlap: a condition of one matches a condition of the other, and an
  intervention or term of one matches an intervention or term of the other. Phrases match
  after light normalisation (case, punctuation, plural `s`, British `ae`/`our`) when the
  words of one appear, in order, within the other: "stem cell transplantation" matches
  "autologous stem cell transplantation", since searching the registry for the first finds
  the studies of the second;
- their words overlap: the draft's source sentences share a distinctive word with the
  listed claim's text or terms. Distinctive means not a stop word, not a word of the
  article's title, and not a word most of the article's listed claims use ("stem", "liver",
  "cancer" would match anything). Words compare by their first six letters, a crude stem
  ("regenerative" ~ "regenerate").

Recall is counted one-to-one: listed claims paired with distinct drafts (augmenting paths),
so that one broad draft cannot recover several claims.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claims.draft import ProposedClaim
from claims.spec import Topic

STEM = 6
_STOP = """a about after against also an and are as at be been before being between both but by
    can could does during each either for from has have how in into is it its many may might
    more most much not of on only or other our over patient patients people some such than
    that the their them then these they this those through to under using very was were what
    when where which while who will with within without would"""
STOP_WORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Listed:
    """A claim a person listed for an article: its id, text (and terms), and topic."""

    id: str
    words: str
    topic: Topic


@dataclass(frozen=True)
class Score:
    """How a draft compares with the listed claims of one article."""

    listed: int
    recovered: int
    proposals: int
    matched_proposals: int
    missed: tuple[str, ...]
    unmatched: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.recovered / self.listed if self.listed else 1.0

    @property
    def unmatched_per_matched(self) -> float:
        return len(self.unmatched) / self.matched_proposals if self.matched_proposals else 0.0


def words(text: str) -> list[str]:
    found = []
    for word in re.findall(r"[a-z0-9]+", text.casefold().replace("ae", "e")):
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        if len(word) > 4 and word.endswith("our"):
            word = word[:-3] + "or"
        found.append(word)
    return found


def phrases_match(one: str, other: str) -> bool:
    short, long = sorted((words(one), words(other)), key=len)
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _any_match(ones: tuple[str, ...], others: tuple[str, ...]) -> bool:
    return any(phrases_match(one, other) for one in ones for other in others)


def topics_overlap(draft: Topic, listed: Topic) -> bool:
    return _any_match(draft.conditions, listed.conditions) and _any_match(
        draft.interventions + draft.terms, listed.interventions + listed.terms
    )


def stems(text: str) -> set[str]:
    return {w[:STEM] for w in words(text) if len(w) >= 4 and w not in STOP_WORDS}


def common_stems(title: str, listed: Sequence[Listed]) -> set[str]:
    """The title's words and those most of the article's listed claims use."""
    counts = Counter(stem for claim in listed for stem in stems(claim.words))
    common = {stem for stem, n in counts.items() if n >= len(listed) / 2}
    return stems(title) | common


def matches(draft: ProposedClaim, claim: Listed, common: set[str]) -> bool:
    shared = (stems(" ".join(draft.sources)) & stems(claim.words)) - common
    return topics_overlap(draft.topic, claim.topic) and bool(shared)


def pairs(candidates: dict[str, list[str]]) -> int:
    """How many listed claims can each have a draft of their own (augmenting paths)."""
    owner: dict[str, str] = {}

    def place(claim: str, tried: set[str]) -> bool:
        for proposal in candidates[claim]:
            if proposal not in tried:
                tried.add(proposal)
                if proposal not in owner or place(owner[proposal], tried):
                    owner[proposal] = claim
                    return True
        return False

    return sum(place(claim, set()) for claim in candidates)


def candidates_of(
    drafts: Iterable[ProposedClaim], listed: Sequence[Listed], common: set[str]
) -> dict[str, list[str]]:
    drafts = list(drafts)
    return {claim.id: [p.id for p in drafts if matches(p, claim, common)] for claim in listed}


def score(title: str, drafts: Sequence[ProposedClaim], listed: Sequence[Listed]) -> Score:
    candidates = candidates_of(drafts, listed, common_stems(title, listed))
    matched = {proposal for found in candidates.values() for proposal in found}
    return Score(
        listed=len(listed),
        recovered=pairs(candidates),
        proposals=len(drafts),
        matched_proposals=len(matched),
        missed=tuple(claim for claim, found in candidates.items() if not found),
        unmatched=tuple(p.id for p in drafts if p.id not in matched),
    )
