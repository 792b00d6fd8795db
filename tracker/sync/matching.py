"""Why a study matched a claim: which topic phrases appear in the study's own fields.

The registry expands synonyms on its side, so a study may match with none of the topic's
phrases in its text; its `matched_on` lists are then empty. Matching here is by whole
words, case-insensitive, with a trailing plural "s" ignored ("Mesenchymal Stem Cell"
matches "mesenchymal stem cells").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from claims.spec import Topic
from tracker.ctgov.records import StudyRecord

_WORD = re.compile(r"[^\W_]+")
_PLURAL_S = re.compile(r"(?<=[^\W_]{3})s(?![^\W_])")
"""The "s" ending a word of four letters or more."""


@lru_cache(maxsize=16384)
def _words(text: str) -> str:
    """A text as its comparable words: case-folded, plural "s" dropped, one space apart.

    Cached: condition, keyword and intervention names recur from study to study.
    """
    return " ".join(_WORD.findall(_PLURAL_S.sub("", text.casefold())))


def _haystack(texts: Iterable[str | None]) -> str:
    return "".join(f" {_words(text)} " for text in texts if text)


class TopicMatcher:
    """A topic's phrases, normalized once, to test study after study against."""

    def __init__(self, topic: Topic) -> None:
        self._phrases = {
            kind: [(phrase, f" {_words(phrase)} ") for phrase in getattr(topic, kind)]
            for kind in ("conditions", "interventions", "terms")
        }

    def matched_on(self, study: StudyRecord) -> dict[str, Any]:
        """The topic's conditions, interventions and terms found in the study, by kind."""
        titles = _haystack([study.brief_title, study.official_title, study.acronym])
        condition_text = intervention_text = ""
        if self._phrases["conditions"] or self._phrases["terms"]:
            condition_text = _haystack([*study.conditions, *study.keywords]) + titles
        if self._phrases["interventions"] or self._phrases["terms"]:
            names = [name for i in study.interventions for name in (i.name, *i.other_names)]
            intervention_text = _haystack(names) + titles
        return {
            "conditions": self._found("conditions", condition_text),
            "interventions": self._found("interventions", intervention_text),
            "terms": self._found("terms", condition_text + intervention_text),
        }

    def _found(self, kind: str, haystack: str) -> list[str]:
        return [phrase for phrase, needle in self._phrases[kind] if needle in haystack]
