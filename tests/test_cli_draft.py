"""`tracker claims draft` from the command line: draft, review, load."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Tracker

LIVER = Path(__file__).parent / "data" / "articles" / "stem-cell-therapy-liver-cancer.txt"
SHORT = """\
# PRP for sore knees

Platelet-rich plasma injections reduce knee pain in osteoarthritis.

Talk to your doctor first.
"""


def test_draft_prints_a_claim_file_that_loads_unchanged(tracker: Tracker, tmp_path: Path) -> None:
    result = tracker("claims", "draft", str(LIVER))
    assert result.status == 0, result.err
    assert result.out.startswith("# Draft claims for")
    assert "  # source: " in result.out
    assert "  # confidence: " in result.out
    assert result.err.startswith("11 draft claims for the-role-of-stem-cell-therapy-in-liver")
    path = tmp_path / "liver.yaml"
    path.write_text(result.out)
    loaded = tracker("claims", "load", str(path))
    assert loaded.status == 0, loaded.err
    assert loaded.out.splitlines()[-1] == "11 added, 0 updated, 0 retired, 0 unchanged"


def test_draft_out_writes_the_file_and_says_so(tracker: Tracker, tmp_path: Path) -> None:
    article = tmp_path / "knees.md"
    article.write_text(SHORT)
    out = tmp_path / "knees.yaml"
    result = tracker("claims", "draft", str(article), "--out", str(out), "--id", "prp-knees")
    assert result.status == 0, result.err
    assert result.out == ""
    assert result.err == (
        f"wrote 1 draft claim to {out}; review, then `tracker claims load {out}`\n"
    )
    tracker("claims", "load", str(out))
    claims = json.loads(tracker("claims", "list", "--format", "json").out)
    assert [(c["id"], c["article_id"]) for c in claims] == [
        ("prp-reduce-pain-osteoarthritis", "prp-knees")
    ]
    assert claims[0]["conditions"] == ["osteoarthritis", "knee osteoarthritis"]


def test_an_unreadable_article_exits_2_with_one_line(tracker: Tracker, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = tracker("claims", "draft", str(missing))
    assert result.status == 2
    assert result.out == ""
    assert result.err == f"tracker: error: {missing}: cannot read: No such file or directory\n"


def test_a_binary_article_exits_2_with_one_line(tracker: Tracker, tmp_path: Path) -> None:
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\xff\xfe\x00")
    result = tracker("claims", "draft", str(binary))
    assert result.status == 2
    assert result.err == f"tracker: error: {binary}: cannot read: not UTF-8 text\n"


def test_a_malformed_id_exits_2(tracker: Tracker) -> None:
    result = tracker("claims", "draft", str(LIVER), "--id", "Liver Article")
    assert result.status == 2
    assert result.err.startswith("tracker: error: --id 'Liver Article' is not an id")


def test_a_bad_vocabulary_file_exits_2_naming_it(tracker: Tracker, tmp_path: Path) -> None:
    vocabulary = tmp_path / "mine.yaml"
    vocabulary.write_text("symptoms: []\n")
    result = tracker("claims", "draft", str(LIVER), "--vocabulary", str(vocabulary))
    assert result.status == 2
    assert result.err.startswith(f"tracker: error: {vocabulary}: unknown section 'symptoms'")
