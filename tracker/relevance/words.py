"""A text's words as relevance compares them: tokens cut to stems (abbreviations expanded,
spellings unified, stop words dropped), the word sets of a study's texts, and whether a
claim phrase is covered by one. The word lists are data, in `weights.toml`.

A long ASCII text (a summary, a description) is not cut into words at all: `text_words`
answers for it whether a stem is among its words by finding the few places where a word
with that stem could start (`_LongText`). A claim asks about a dozen stems of a text of a
hundred words, and cutting the whole text was a tenth of a first sync.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Container, Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import chain
from typing import Any


@cache
def rule_data() -> dict[str, Any]:
    text = resources.files("tracker.relevance").joinpath("weights.toml").read_text("utf-8")
    return tomllib.loads(text)


_TOKEN = re.compile(r"[^\W_]+")
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9]+")
"""`_TOKEN` for a text that is all ASCII (most registry text), where it matches the same
words a third faster."""


def tokens(text: str) -> list[str]:
    return (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)


CACHED_TEXT = 200
"""Texts up to this long (names, phrases, titles recur from study to study) keep their
stems in a cache; longer ones (summaries, descriptions, seldom repeated) do not, so that
memory stays flat however many studies a sync reads."""


def text_stems(text: str, expand_all: bool = False) -> tuple[str, ...]:
    """A text's comparable words: abbreviations expanded (in a study's text only when
    written in capitals, so "all" stays a word and "ALL" is a leukaemia), spellings
    unified, stop words dropped, each cut to its stem."""
    if len(text) <= CACHED_TEXT:
        return _short_stems(text, expand_all)
    return _stems_of(text, expand_all)


@lru_cache(maxsize=8192)
def _short_stems(text: str, expand_all: bool) -> tuple[str, ...]:
    return _stems_of(text, expand_all)


def _stems_of(text: str, expand_all: bool) -> tuple[str, ...]:
    found: list[str] = []
    for token in tokens(text):
        found.extend(_token_stems(token, expand_all))
    return tuple(found)


_TOKEN_STEMS: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = ({}, {})
"""Each token's stems, as read in a study's text and in a claim's phrase: a sync reads the
same few thousand words again and again."""
TOKENS_KEPT = 100_000
"""Tokens whose stems are kept (a few megabytes); past that the memo starts again."""


def _token_stems(token: str, expand_all: bool) -> tuple[str, ...]:
    memo = _TOKEN_STEMS[expand_all]
    stems = memo.get(token)
    if stems is None:
        if len(memo) >= TOKENS_KEPT:
            memo.clear()
        stems = memo[token] = _stem_token(token, expand_all)
    return stems


def _stem_token(token: str, expand_all: bool) -> tuple[str, ...]:
    matching = rule_data()["matching"]
    spelling, short = matching["spelling"], matching["abbreviations"]
    word = token.casefold()
    if word in short and (expand_all or sum(c.isupper() for c in token) >= 2):
        return text_stems(short[word], True)
    word = spelling.get(word, word)
    if word.endswith("s") and len(word) > 3 and not word.endswith("ss"):
        word = word[:-1]
    word = spelling.get(word, word)
    if word in _stop_words():
        return ()
    return (word[: matching["stem_length"]],)


@cache
def _stop_words() -> frozenset[str]:
    return frozenset(rule_data()["matching"]["stop_words"])


def phrase_stems(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text_stems(text, True)))


Words = Container[str]
"""A text's stems, asked one at a time: `stem in words`."""


def text_words(text: str) -> Words:
    """A text's stems, for the membership tests of matching."""
    if len(text) <= CACHED_TEXT:
        return _short_words(text)
    return _long_words(text)


@lru_cache(maxsize=8192)
def _short_words(text: str) -> frozenset[str]:
    return frozenset(_short_stems(text, False))


@lru_cache(maxsize=64)
def _long_words(text: str) -> Words:
    """A summary or description, read by several rules of one study's judgement: kept for
    the few studies last judged only, so memory stays flat."""
    if text.isascii():
        return _LongText(text)
    distinct = set(tokens(text))
    return frozenset(chain.from_iterable(_token_stems(token, False) for token in distinct))


class _LongText:
    """The stems of a long ASCII text, found one stem at a time: only where a word with
    that stem can start (`_openings`), each word there stemmed as `text_stems` does. The
    same answers as the text's whole stem set (a test holds them equal on real records)."""

    __slots__ = ("_found", "_lowered", "_text")

    def __init__(self, text: str) -> None:
        self._text, self._lowered = text, text.lower()
        self._found: dict[object, bool] = {}

    def __contains__(self, stem: object) -> bool:
        found = self._found.get(stem)
        if found is None:
            found = self._found[stem] = isinstance(stem, str) and self._look(stem)
        return found

    def _look(self, stem: str) -> bool:
        text, lowered = self._text, self._lowered
        for opening in _openings(stem):
            at = lowered.find(opening)
            while at != -1:
                if at == 0 or not lowered[at - 1].isalnum():
                    word = _ASCII_TOKEN.match(text, at)
                    if word is not None and stem in _token_stems(word.group(), False):
                        return True
                at = lowered.find(opening, at + 1)
        return False


def _openings(stem: str) -> tuple[str, ...]:
    """How a word with this stem can begin, in lower case: with the stem itself, or as a
    spelling or an abbreviation that `_stem_token` turns into it."""
    return _spelled_as().get(stem, (stem,))


@cache
def _spelled_as() -> dict[str, tuple[str, ...]]:
    matching = rule_data()["matching"]
    words: dict[str, set[str]] = defaultdict(set)
    for spelling in matching["spelling"]:
        for stem in (*_stem_token(spelling, False), *_stem_token(spelling + "s", False)):
            words[stem].add(spelling)
    for short in matching["abbreviations"]:
        for stem in _stem_token(short.upper(), False):
            words[stem].add(short)
    return {
        stem: (stem, *sorted(w for w in found if w.isalnum() and not w.startswith(stem)))
        for stem, found in words.items()
    }


def phrase_in(phrase: Sequence[str], text: str | None) -> bool:
    """Whether enough of a claim phrase's words are in one text of the study."""
    if not text or not phrase:
        return False
    return covers(tuple(phrase), text_words(text))


def covers(phrase: tuple[str, ...], words: Words) -> bool:
    """Whether a text's stems hold enough of a phrase's words, with no contradiction."""
    if not phrase or _contradicts(phrase, words):
        return False
    matching = rule_data()["matching"]
    needed = len(phrase)
    if needed > matching["all_words_up_to"]:
        needed = math.ceil(needed * matching["share_of_words"])
    return sum(word in words for word in phrase) >= needed


@cache
def _exclusive() -> list[list[set[str]]]:
    return [
        [{text_stems(word, True)[0] for word in kind} for kind in group]
        for group in rule_data()["matching"]["exclusive"]
    ]


@lru_cache(maxsize=4096)
def _kinds_named(phrase: tuple[str, ...]) -> tuple[tuple[int, frozenset[int]], ...]:
    """The exclusive groups a phrase names a kind of: (group index, the kinds it names)."""
    return tuple(
        (index, frozenset(n for n, kind in enumerate(group) if kind.intersection(phrase)))
        for index, group in enumerate(_exclusive())
        if any(kind.intersection(phrase) for kind in group)
    )


def _contradicts(phrase: tuple[str, ...], words: Words) -> bool:
    """The text names another kind of a group the phrase names one kind of: "allogeneic
    stem cell transplantation" is not "autologous stem cell transplantation"."""
    groups = _exclusive()
    for index, mine in _kinds_named(phrase):
        named = [n for n, kind in enumerate(groups[index]) if any(s in words for s in kind)]
        if named and not mine.intersection(named):
            return True
    return False
