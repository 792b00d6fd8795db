"""Hostile claim files are refused at once, in one short line naming file, line and column."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import Tracker
from hostile import LAUGHS

from claims.errors import ClaimFileError
from claims.parse import MAX_DEPTH, MAX_FILE_BYTES, parse_text

GOOD = """\
article:
  id: liver
  title: "Stem cells and the liver"
claims:
  - id: regenerate
    text: "MSCs regenerate liver tissue."
    topic:
      conditions: ["hepatocellular carcinoma"]
"""

LOCATED = re.compile(r"^claims\.yaml: .*line \d+, column \d+: ")


def _refusal(text: str) -> ClaimFileError:
    started = time.monotonic()
    with pytest.raises(ClaimFileError) as caught:
        parse_text(text, "claims.yaml")
    assert time.monotonic() - started < 2
    message = str(caught.value)
    assert "\n" not in message
    assert len(message) < 500
    return caught.value


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        (GOOD.replace('["hepatocellular carcinoma"]', "['\"']"), "no letter or digit", 8),
        (GOOD.replace('["hepatocellular carcinoma"]', '["--", " .;"]'), "no letter or digit", 8),
        (GOOD.replace("MSCs regenerate", "MSCs\\0 regenerate"), "NUL", 6),
        (GOOD.replace("MSCs regenerate", "MSCs\x00 regenerate"), "NUL", 6),
        (GOOD + "  - " + "[" * 5000 + "]" * 5000 + "\n", f"deeper than {MAX_DEPTH}", 9),
        (LAUGHS, "expands to more than", None),
        (
            GOOD.replace("  id: liver\n", "").replace(
                '  title: "Stem cells and the liver"',
                f"  title: &k {'long-title-' * 5000}\n  id: *k",
            ),
            "is not an id",
            2,
        ),
    ],
)
def test_a_hostile_file_is_refused_in_one_located_line(
    text: str, problem: str, line: int | None
) -> None:
    error = _refusal(text)
    assert problem in str(error)
    assert LOCATED.match(str(error)), str(error)
    if line is not None:
        assert error.line == line


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path, tracker: Tracker) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(GOOD + "#" * MAX_FILE_BYTES)
    result = tracker("claims", "load", str(path))
    assert result.status == 2
    assert result.err == f"tracker: error: {path}: larger than 1,000,000 bytes\n"


def test_the_command_refuses_a_punctuation_condition_with_exit_2(
    tmp_path: Path, tracker: Tracker
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(GOOD.replace('["hepatocellular carcinoma"]', "['\"']"))
    result = tracker("claims", "load", str(path))
    assert result.status == 2
    assert result.err == (
        f"tracker: error: {path}: claim regenerate: field 'topic.conditions[0]':"
        " line 8, column 20: '\"' has no letter or digit to search for\n"
    )


def test_a_large_honest_file_with_aliases_is_not_refused() -> None:
    first = (
        "  - id: claim-0\n    text: Claim 0.\n"
        "    topic: &topic {conditions: [liver cancer, hepatocellular carcinoma],"
        " interventions: [stem cells]}\n"
    )
    others = "".join(
        f"  - id: claim-{index}\n    text: Claim {index}.\n    topic: *topic\n"
        for index in range(1, 3000)
    )
    text = "article:\n  id: big\n  title: Big\nclaims:\n" + first + others
    assert len(parse_text(text, "claims.yaml").claims) == 3000
