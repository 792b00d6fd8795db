"""Why a study matched a claim: which topic phrases appear in the study's own fields.

The registry expands synonyms on its side, so a study may match with none of the topic's
phrases in its text; its `matched_on` lists are then empty. Matching here is by whole
words, case-insensitive, with a trailing plural "s" ignored ("Mesenchymal Stem Cell"
matches "mesenchymal stem cells").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from claims.spec import Topic
from tracker.ctgov.records import StudyRecord

_WORD = re.compile(r"[^\W_]+")


def _singular(token: str) -> str:
    return token[:-1] if len(token) > 3 and token.endswith("s") else token


def _words(text: str) -> str:
    return " ".join(_singular(token.casefold()) for token in _WORD.findall(text))


def _haystack(texts: Iterable[str | None]) -> str:
    return "".join(f" {_words(text)} " for text in texts if text)


def _found(phrases: Iterable[str], haystack: str) -> list[str]:
    return [phrase for phrase in phrases if f" {_words(phrase)} " in haystack]


def matched_on(topic: Topic, study: StudyRecord) -> dict[str, Any]:
    """The topic's conditions, interventions and terms found in the study, by kind."""
    titles = [study.brief_title, study.official_title, study.acronym]
    condition_text = _haystack([*study.conditions, *study.keywords, *titles])
    intervention_names = [name for i in study.interventions for name in (i.name, *i.other_names)]
    intervention_text = _haystack([*intervention_names, *titles])
    return {
        "conditions": _found(topic.conditions, condition_text),
        "interventions": _found(topic.interventions, intervention_text),
        "terms": _found(topic.terms, condition_text + intervention_text),
    }
