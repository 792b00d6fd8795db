"""A bad claim file is refused with one message naming the file, the claim and the field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from claims.errors import CatalogConflict, ClaimFileError
from claims.parse import parse_file, parse_files, parse_text
from claims.spec import Topic

VALID = """\
article:
  id: sample-article
  title: "A sample article"
  url: https://example.org/a
  published: 2026-10-01
claims:
  - id: first-claim
    text: "Drug X improves outcome Y in condition Z."
    as_of: 2026-11-01
    topic:
      conditions: ["condition z", "Condition  Z", "z disease"]
      interventions: ["drug x"]
      terms: ["outcome y"]
      study_types: [interventional]
  - id: second-claim
    text: "Drug W helps too."
    topic:
      interventions: ["drug w"]
"""


def _error(text: str) -> ClaimFileError:
    with pytest.raises(ClaimFileError) as caught:
        parse_text(textwrap.dedent(text), "claims.yaml")
    return caught.value


def _broken(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


def test_a_valid_file_is_read_into_typed_specs() -> None:
    article = parse_text(VALID, "claims.yaml")
    assert (article.id, article.title, article.url) == (
        "sample-article",
        "A sample article",
        "https://example.org/a",
    )
    assert article.published.isoformat() == "2026-10-01"
    first, second = article.claims
    assert first.as_of is not None
    assert first.as_of.isoformat() == "2026-11-01"
    assert first.topic == Topic(
        conditions=("condition z", "z disease"),
        interventions=("drug x",),
        terms=("outcome y",),
        study_types=("INTERVENTIONAL",),
    )
    assert second.as_of is None
    assert second.topic == Topic(interventions=("drug w",))


def test_syntax_error_names_file_and_line() -> None:
    error = _error(_broken('title: "A sample article"', 'title: "A sample article'))
    assert str(error).startswith("claims.yaml: line ")
    assert "YAML syntax error" in str(error)


@pytest.mark.parametrize(
    ("old", "new", "claim", "field", "problem"),
    [
        ('    text: "Drug W helps too."\n', "", "second-claim", "text", "missing"),
        (
            "    topic:\n      interventions",
            "    subject:\n      interventions",
            "second-claim",
            "subject",
            "unknown key",
        ),
        ("  - id: second-claim\n", "  - name: second-claim\n", "#2", "name", "unknown key"),
        ('  title: "A sample article"\n', "", None, "article.title", "missing"),
        ("  url:", "  link:", None, "article.link", "unknown key"),
        ("      terms:", "      term:", "first-claim", "topic.term", "unknown key"),
        ("id: second-claim", "id: first-claim", "first-claim", "id", "duplicate claim id"),
        ('["drug w"]', '"drug w"', "second-claim", "topic.interventions", "expected a list"),
        (
            '["drug x"]',
            '["drug x", 42]',
            "first-claim",
            "topic.interventions[1]",
            "expected non-empty text",
        ),
        ("id: second-claim", "id: 42", "#2", "id", "expected text"),
        ("id: second-claim", "id: Second Claim", "#2", "id", "is not an id"),
        ("as_of: 2026-11-01", "as_of: 2026-13-01", "first-claim", "as_of", "not a valid date"),
        ("as_of: 2026-11-01", "as_of: yesterday", "first-claim", "as_of", "YYYY-MM-DD"),
        (
            "published: 2026-10-01",
            "published: 2026-02-30",
            None,
            "article.published",
            "not a valid date",
        ),
        (
            "[interventional]",
            "[randomised]",
            "first-claim",
            "topic.study_types[0]",
            "is not one of",
        ),
        (
            '      interventions: ["drug w"]\n',
            "      interventions: []\n",
            "second-claim",
            "topic",
            "at least one",
        ),
    ],
)
def test_invalid_field_is_named_with_its_claim(
    old: str, new: str, claim: str | None, field: str, problem: str
) -> None:
    error = _error(_broken(old, new))
    assert (error.path, error.claim, error.field) == ("claims.yaml", claim, field)
    assert problem in error.problem
    where = f"claim {claim}: " if claim else ""
    assert str(error).startswith(f"claims.yaml: {where}field {field!r}: ")


def test_missing_claims_list_is_refused() -> None:
    error = _error("article:\n  id: a\n  title: t\n")
    assert error.field == "claims"


def test_duplicate_yaml_key_is_refused() -> None:
    error = _error(
        _broken("    as_of: 2026-11-01\n", "    as_of: 2026-11-01\n    as_of: 2026-11-02\n")
    )
    assert "duplicate key 'as_of'" in str(error)


def test_empty_file_is_refused() -> None:
    assert "empty" in str(_error(""))


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ClaimFileError, match=r"missing\.yaml: cannot read"):
        parse_file(tmp_path / "missing.yaml")


def test_a_claim_id_may_appear_in_only_one_file(tmp_path: Path) -> None:
    first = tmp_path / "first.yaml"
    second = tmp_path / "second.yaml"
    first.write_text(VALID)
    second.write_text(
        VALID.replace("sample-article", "other-article").replace("second-claim", "third")
    )
    with pytest.raises(
        CatalogConflict, match=r"second\.yaml: claim first-claim: field 'id'.*first\.yaml"
    ):
        parse_files([(first, str(first)), (second, str(second))])


def test_exclusions_phases_and_min_relevance_are_read() -> None:
    text = _broken(
        "      study_types: [interventional]\n",
        "      study_types: [interventional]\n"
        "      phases: [phase2, PHASE3]\n"
        "      exclude:\n"
        '        interventions: ["CAR-T"]\n'
        '        terms: ["maintenance", "Maintenance"]\n'
        "    min_relevance: indirect\n",
    )

    first = parse_text(text, "claims.yaml").claims[0]

    assert first.topic.phases == ("PHASE2", "PHASE3")
    assert first.topic.exclude_interventions == ("CAR-T",)
    assert first.topic.exclude_terms == ("maintenance",)
    assert first.topic.exclude_conditions == ()
    assert first.min_relevance == "indirect"
    assert parse_text(VALID, "claims.yaml").claims[0].min_relevance == "direct"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "      phases: [phase5]\n",
            "claims.yaml: claim first-claim: field 'topic.phases[0]': line 15, column 16:"
            " 'phase5' is not one of"
            " NA, EARLY_PHASE1, PHASE1, PHASE2, PHASE3, PHASE4",
        ),
        (
            "      exclude: {drugs: [x]}\n",
            "claims.yaml: claim first-claim: field 'topic.exclude.drugs': line 15, column 24:"
            " unknown key (expected one of: conditions, interventions, terms)",
        ),
        (
            "    min_relevance: high\n",
            "claims.yaml: claim first-claim: field 'min_relevance': line 15, column 20:"
            " 'high' is not one of"
            " direct, indirect, background",
        ),
    ],
)
def test_bad_exclusions_phases_or_min_relevance_name_the_field(line: str, message: str) -> None:
    text = _broken("      study_types: [interventional]\n", f"      study_types: [x]\n{line}")
    text = text.replace("study_types: [x]", "study_types: [interventional]")

    assert str(_error(text)) == message
