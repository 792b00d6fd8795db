"""How relevance reads a text's words (`tracker.relevance.words`): the fast ways of
reading a long text answer exactly as cutting it into words does, on real records."""

from __future__ import annotations

import json
from pathlib import Path

from tracker.relevance import words
from tracker.relevance.words import rule_data

RECORDS = Path(__file__).parent / "data" / "relevance" / "records"
ODD_TEXT = (
    "MSCs and allo-HSCT in AML/ALL (all-comers): Sjögren’s, tumours, leukaemias, 5mg_kg, "
    "T-cells; CAR-T vs. car_t; HCC, hcc and HCCs. Stem cell transplantation, autologous."
)


def _texts() -> list[str]:
    """Every string in the real records, summaries and descriptions among them."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(RECORDS.glob("*.json")):
        walk(json.loads(path.read_text()))
    return found


def _stem_sets(text: str) -> frozenset[str]:
    """The definition: every stem of every word of the text."""
    return frozenset(words.text_stems(text))


def test_ascii_text_is_cut_into_the_same_words_by_the_ascii_pattern() -> None:
    texts = [*_texts(), ODD_TEXT, "a_b c-d ½ ² x"]
    assert sum(text.isascii() for text in texts) > 1000
    for text in texts:
        assert words.tokens(text) == words._TOKEN.findall(text)


def test_a_long_text_answers_each_stem_as_its_whole_stem_set_does() -> None:
    matching = rule_data()["matching"]
    probes = {
        *(stem for key in matching["spelling"] for stem in words.text_stems(key)),
        *(stem for key in matching["abbreviations"] for stem in words.text_stems(key.upper())),
        *(
            stem
            for value in matching["abbreviations"].values()
            for stem in words.phrase_stems(value)
        ),
    }
    long_texts = [t for t in [*_texts(), ODD_TEXT * 3] if len(t) > words.CACHED_TEXT]
    assert len(long_texts) > 100
    assert any(not text.isascii() for text in long_texts)
    checked = 0
    for text in long_texts:
        whole = _stem_sets(text)
        read = words.text_words(text)
        for stem in probes | whole | {stem[:-1] for stem in whole if len(stem) > 2}:
            assert (stem in read) == (stem in whole), (stem, text[:80])
            checked += 1
    assert checked > 100_000
