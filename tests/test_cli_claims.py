"""`tracker claims load|list|show` from the command line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from conftest import Tracker

LIVER = """\
article:
  id: liver
  title: "Stem cells and the liver"
claims:
  - id: regenerate
    text: "MSCs regenerate liver tissue."
    as_of: 2026-11-21
    topic:
      conditions: ["hepatocellular carcinoma"]
      interventions: ["mesenchymal stem cells"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_with_no_path_loads_the_builtin_catalog(tracker: Tracker) -> None:
    result = tracker("claims", "load")
    assert result.status == 0, result.err
    assert result.out.splitlines()[-1] == "15 added, 0 updated, 0 retired, 0 unchanged"
    again = tracker("claims", "load")
    assert again.out.strip() == "0 added, 0 updated, 0 retired, 15 unchanged"


def test_load_prints_what_it_added_updated_and_retired(tracker: Tracker, tmp_path: Path) -> None:
    path = _write(tmp_path, "liver.yaml", LIVER)
    assert tracker("claims", "load", str(path)).out.splitlines()[0] == "added    regenerate"
    path.write_text(LIVER.replace("regenerate liver", "rebuild liver"))
    assert tracker("claims", "load", str(path)).out.splitlines()[0] == "updated  regenerate"
    path.write_text(LIVER.split("claims:")[0] + "claims: []\n")
    result = tracker("claims", "load", str(path))
    assert result.out.splitlines() == [
        "retired  regenerate",
        "0 added, 0 updated, 1 retired, 0 unchanged",
    ]
    listed = json.loads(tracker("claims", "list", "--format", "json").out)
    assert [(c["id"], c["status"]) for c in listed] == [("regenerate", "retired")]


def test_bad_file_exits_2_with_one_line_and_writes_nothing(
    tracker: Tracker, tmp_path: Path
) -> None:
    good = _write(tmp_path, "good.yaml", LIVER)
    bad = _write(
        tmp_path,
        "bad.yaml",
        LIVER.replace("id: liver", "id: kidney").replace("as_of: 2026-11-21", "as_of: 2026-11-31"),
    )
    result = tracker("claims", "load", str(good), str(bad))
    assert result.status == 2
    assert result.out == ""
    assert result.err.splitlines() == [
        f"tracker: error: {bad}: claim regenerate: field 'as_of': line 7, column 12:"
        " '2026-11-31' is not a valid date (day is out of range for month)"
    ]
    assert json.loads(tracker("claims", "list", "--format", "json").out) == []


def test_list_json_has_the_documented_keys(tracker: Tracker) -> None:
    tracker("claims", "load")
    claims = json.loads(tracker("claims", "list", "--format", "json").out)
    assert len(claims) == 15
    assert {c["article_id"] for c in claims} == {
        "stem-cells-liver-cancer",
        "stem-cells-blood-cancers",
    }
    first = next(c for c in claims if c["id"] == "msc-regenerate-liver-tissue-hcc")
    assert set(first) >= {
        "id",
        "article_id",
        "text",
        "as_of",
        "conditions",
        "interventions",
        "terms",
        "status",
    }
    assert first["as_of"] == "2026-11-21"
    assert first["status"] == "active"
    assert first["conditions"] == ["hepatocellular carcinoma", "liver cancer", "liver neoplasms"]


def test_list_csv_has_one_row_per_claim_with_lists_joined(tracker: Tracker, tmp_path: Path) -> None:
    tracker("claims", "load", str(_write(tmp_path, "liver.yaml", LIVER)))
    rows = list(csv.DictReader(io.StringIO(tracker("claims", "list", "--format", "csv").out)))
    assert len(rows) == 1
    assert rows[0]["id"] == "regenerate"
    assert rows[0]["interventions"] == "mesenchymal stem cells"
    assert rows[0]["status"] == "active"


def test_list_table_shows_both_articles(tracker: Tracker) -> None:
    tracker("claims", "load")
    lines = tracker("claims", "list").out.splitlines()
    assert lines[0].split() == ["id", "article", "id", "status", "as", "of", "text"]
    assert len(lines) == 16


def test_show_gives_the_claim_its_article_and_topic(tracker: Tracker, tmp_path: Path) -> None:
    tracker("claims", "load", str(_write(tmp_path, "liver.yaml", LIVER)))
    shown = json.loads(tracker("claims", "show", "regenerate", "--format", "json").out)
    assert shown["article"]["title"] == "Stem cells and the liver"
    assert shown["interventions"] == ["mesenchymal stem cells"]
    table = tracker("claims", "show", "regenerate").out
    assert "article        liver (Stem cells and the liver)" in table


def test_show_unknown_claim_exits_2(tracker: Tracker) -> None:
    result = tracker("claims", "show", "no-such-claim")
    assert result.status == 2
    assert (
        result.err
        == "tracker: error: no claim with id 'no-such-claim' (see `tracker claims list`)\n"
    )


def test_installed_command_reports_bad_input_without_a_traceback(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.yaml", "article: [")
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "claims", "load", str(bad)],
        capture_output=True,
        text=True,
        env={"TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PATH": ""},
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"tracker: error: {bad}: line 1, column")
