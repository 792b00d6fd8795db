"""The drafting vocabulary is data: it gives the registry's synonyms, and users extend it."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.draft import draft_text, vocabulary_with
from claims.draft.vocabulary import Pattern, load_vocabulary, tokenize
from claims.errors import VocabularyError


def _words(text: str) -> list[str]:
    return [token.word for token in tokenize(text)]


def _names(text: str) -> list[tuple[str, str]]:
    return [(hit.value.kind, hit.value.name) for hit in load_vocabulary().find(_words(text))]


def test_words_fold_plurals_possessives_and_british_spellings() -> None:
    assert _words("Tumours, leukaemias and the donor's cells") == [
        "tumor",
        "leukemia",
        "and",
        "the",
        "donor",
        "cell",
    ]


def test_patterns_take_prefixes_and_gaps() -> None:
    pattern = Pattern.compile("stem cell* ... engineer*")
    words = _words("Stem cells can be engineered to deliver drugs")
    assert pattern.match_at(words, 0) == 5
    assert Pattern.compile("gene edit*").match_at(_words("gene-edited cells"), 0) == 2


def test_a_longer_name_hides_the_shorter_one_inside_it() -> None:
    assert _names("Mesenchymal stem cells helped") == [("intervention", "mesenchymal stem cells")]


def test_liver_cancer_is_searched_as_hepatocellular_carcinoma() -> None:
    draft = draft_text("Liver news\n\nSorafenib prolongs survival in liver cancer.", source="a.txt")
    assert draft.claims[0].topic.conditions[:2] == ("hepatocellular carcinoma", "liver cancer")


def test_a_stem_cell_transplant_for_blood_cancer_is_searched_as_hematopoietic() -> None:
    draft = draft_text(
        "Transplants\n\nA stem cell transplant can cure some patients with leukaemia.",
        source="a.txt",
    )
    interventions = draft.claims[0].topic.interventions
    assert "hematopoietic stem cell transplantation" in interventions
    assert "leukemia" in draft.claims[0].topic.conditions


def test_a_user_vocabulary_adds_entries_and_replaces_those_of_the_same_name(
    tmp_path: Path,
) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "conditions:\n"
        "  - name: tendinopathy\n"
        '    match: ["tendon injur*", "tendinitis"]\n'
        '    search: ["tendinopathy", "tendon injuries"]\n'
        "interventions:\n"
        "  - name: platelet-rich plasma\n"
        '    match: ["prp"]\n'
        '    search: ["platelet-rich plasma", "autologous conditioned plasma"]\n'
        "cues:\n"
        "  effects: [heal*]\n"
    )
    draft = draft_text(
        "Tendons\n\nPRP injections heal tendon injuries in athletes.",
        source="a.txt",
        vocabulary=vocabulary_with([extra]),
    )
    topic = draft.claims[0].topic
    assert topic.conditions == ("tendinopathy", "tendon injuries")
    assert topic.interventions == ("platelet-rich plasma", "autologous conditioned plasma")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("conditions: [{name: x}]\n", "condition 'x': needs at least one search term"),
        (
            "interventions: [{name: x, search: [y], colour: red}]\n",
            "intervention 'x': unknown key 'colour'",
        ),
        ("outcomes: [{name: x, match: ['... x']}]\n", "'... x' is not a usable pattern"),
        ("outcomes: [{name: x, match: ['*']}]\n", "'*' is not a usable pattern"),
        ("outcomes: [{name: x, match: x}]\n", "expected a list of non-empty text"),
        ("conditions: [{name: x, search: [x], group: [a]}]\n", "group: expected str"),
        ("symptoms: []\n", "unknown section 'symptoms'"),
        ("cues: {effects: [ok], moods: [x]}\n", "unknown cue list 'moods'"),
        ("conditions: [\n", "not valid YAML"),
    ],
)
def test_a_bad_vocabulary_file_is_refused_naming_the_file_and_entry(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary([path])
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
