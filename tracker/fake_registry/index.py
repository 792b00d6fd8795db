"""An index of the fake's studies, so a search tests only the studies that may match.

`SearchIndex` holds, per search area or piece, each `essie.words()` word with the NCT ids
whose texts there contain it, and the dates found there, sorted. An area is indexed the
first time a query needs it and kept up to date as studies come and go. `candidates`
reads an Essie expression against it and returns a superset of the matching ids, or None
when it cannot narrow the search (NOT): the exact `essie.matches` still decides, on the
candidates only.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from tracker.ctgov.records import PartialDate
from tracker.fake_registry import essie
from tracker.fake_registry.fields import BASIC_SEARCH, SEARCH_AREAS, area_texts

Ids = set[str] | frozenset[str]
_Dated = tuple[date, date, str]
"""(latest, earliest, NCT id) of one date in one study, so a list sorts by latest day."""

_NOTHING: frozenset[str] = frozenset()


class SearchIndex:
    """Words and dates → NCT ids, per area, over a live dict of studies.

    Not locked: the corpus calls it under its own lock.
    """

    def __init__(self, studies: Mapping[str, Mapping[str, Any]]) -> None:
        self._studies = studies
        self._words: dict[str, dict[str, set[str]]] = {}
        self._dates: dict[str, list[_Dated]] = {}

    def ids(self, area: str, word: str) -> Ids:
        """The studies with `word` in `area`; the caller must not change the set."""
        key = _key(area)
        postings = self._words.get(key)
        if postings is None:
            postings = self._words[key] = {}
            for nct_id, raw in self._studies.items():
                _post(postings, nct_id, _words_of(raw, key))
        return postings.get(word, _NOTHING)

    def dated(self, area: str, low: date, high: date) -> set[str]:
        """The studies with a date in `area` that may fall within [low, high]."""
        key = _key(area)
        entries = self._dates.get(key)
        if entries is None:
            entries = self._dates[key] = sorted(
                entry
                for nct_id, raw in self._studies.items()
                for entry in _dates_of(raw, key, nct_id)
            )
        start = bisect.bisect_left(entries, (low,))
        return {nct_id for _, earliest, nct_id in entries[start:] if earliest <= high}

    def add(self, nct_id: str, raw: Mapping[str, Any]) -> None:
        """Index a study just put in the corpus (after `discard` of any earlier version)."""
        for area, postings in self._words.items():
            _post(postings, nct_id, _words_of(raw, area))
        for area, entries in self._dates.items():
            for entry in _dates_of(raw, area, nct_id):
                bisect.insort(entries, entry)

    def discard(self, nct_id: str, raw: Mapping[str, Any]) -> None:
        """Forget a study about to leave the corpus, as it was indexed."""
        for area, postings in self._words.items():
            for word in _words_of(raw, area):
                ids = postings.get(word)
                if ids is not None:
                    ids.discard(nct_id)
                    if not ids:
                        del postings[word]
        for area, entries in self._dates.items():
            for entry in _dates_of(raw, area, nct_id):
                at = bisect.bisect_left(entries, entry)
                if at < len(entries) and entries[at] == entry:
                    del entries[at]


def candidates(
    node: essie.Node, area: str, index: SearchIndex, within: Ids | None = None
) -> Ids | None:
    """A superset of the ids in `within` that match `node` searched in `area`.

    None means "any of `within`" (every study when `within` is None too). Known answers
    are subsets of `within`, which keeps the sets small when an earlier part narrowed.
    """
    if isinstance(node, essie.Term):
        return intersect([within, *(index.ids(area, word) for word in set(node.words))])
    if isinstance(node, essie.Range):
        return intersect([within, index.dated(area, node.low, node.high)])
    if isinstance(node, essie.Area):
        return candidates(node.operand, node.piece, index, within)
    if isinstance(node, essie.AllOf):
        for operand in node.operands:
            within = candidates(operand, area, index, within)
        return within
    if isinstance(node, essie.AnyOf):
        found = [candidates(operand, area, index, within) for operand in node.operands]
        return None if any(ids is None for ids in found) else set().union(*found)
    return None


def intersect(sets: Iterable[Ids | None]) -> set[str] | None:
    """The ids in every known set (smallest first); None when none is known."""
    known = sorted((ids for ids in sets if ids is not None), key=len)
    if not known:
        return None
    return set(known[0]).intersection(*known[1:])


def _key(area: str) -> str:
    """Piece names are case-insensitive, search area names are not (see `fields.is_area`)."""
    return area if area in SEARCH_AREAS or area == BASIC_SEARCH else area.casefold()


def _words_of(raw: Mapping[str, Any], area: str) -> set[str]:
    return essie.word_set(area_texts(raw, area))


def _dates_of(raw: Mapping[str, Any], area: str, nct_id: str) -> set[_Dated]:
    parsed = (PartialDate.parse(text) for text in area_texts(raw, area))
    return {(day.latest, day.earliest, nct_id) for day in parsed if day is not None}


def _post(postings: dict[str, set[str]], nct_id: str, words: Iterable[str]) -> None:
    for word in words:
        postings.setdefault(word, set()).add(nct_id)
