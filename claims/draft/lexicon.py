"""The shipped lexicon: conditions (MeSH diseases) and interventions (drugs, brand and
generic) from real terminologies, for what the curated vocabulary does not name.

The file is built by `claims.draft.lexicon_build` with phrases already normalised, so
loading it is one decompression and one JSON parse (well under a tenth of a second), and
looking a sentence up is one dictionary probe per word and phrase length.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from claims.draft.vocabulary import VOCABULARY_DIR, Concept, Hit, Kind, slugify

LEXICON_FILE = VOCABULARY_DIR / "lexicon.json.gz"
MAX_SHORT = 40


class Lexicon:
    """Normalised phrases to concepts; the longest phrase at a word wins."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._concepts: Sequence[Sequence[Any]] = data["concepts"]
        self._phrases: Mapping[str, int] = data["phrases"]
        self._longest = max((p.count(" ") + 1 for p in self._phrases), default=0)
        self._made: dict[int, Concept] = {}

    def __len__(self) -> int:
        return len(self._phrases)

    def concept(self, index: int) -> Concept:
        """The concept at `index`, made once, so that concepts compare by identity."""
        made = self._made.get(index)
        if made is None:
            kind, name, generic, symptom = self._concepts[index]
            short = slugify(name)[:MAX_SHORT].rsplit("-", 1)[0] if len(name) > MAX_SHORT else name
            made = Concept(
                kind=_kind(kind),
                name=name,
                search=(name,),
                short=slugify(short),
                lexical=True,
                generic=bool(generic),
                symptom=bool(symptom),
            )
            self._made[index] = made
        return made

    def find(self, words: Sequence[str], taken: Iterable[tuple[int, int]] = ()) -> list[Hit]:
        """Concepts named in `words`, longest first, none overlapping a `taken` span."""
        busy = [False] * len(words)
        for start, end in taken:
            for at in range(start, end):
                busy[at] = True
        hits: list[Hit] = []
        at = 0
        while at < len(words):
            hit = None if busy[at] else self._longest_at(words, at, busy)
            if hit is None:
                at += 1
                continue
            hits.append(hit)
            at = hit.end
        return hits

    def _longest_at(self, words: Sequence[str], at: int, busy: Sequence[bool]) -> Hit | None:
        for length in range(min(self._longest, len(words) - at), 0, -1):
            if any(busy[at : at + length]):
                continue
            phrase = " ".join(words[at : at + length])
            index = self._phrases.get(phrase)
            if index is not None:
                return Hit(self.concept(index), at, at + length, phrase)
        return None


def _kind(value: str) -> Kind:
    if value == "condition":
        return "condition"
    return "intervention"


def read_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    return Lexicon(json.loads(gzip.decompress(path.read_bytes())))


@functools.cache
def shipped_lexicon() -> Lexicon:
    """The lexicon shipped with the package, read once per process."""
    return read_lexicon()
