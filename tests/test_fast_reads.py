"""`tracker status`, `flags` and `trials` print the same bytes whether they read through the
plain DB-API connection (`db.reader`) or through the engine, and take the engine's path
whenever the database is not ready for the plain one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Tracker
from scenarios import (
    LIVER_CLAIM,
    TADALAFIL_CLAIM,
    TADALAFIL_OTHERS,
    day_one,
    day_two,
    put_tadalafil_records,
    write_claims,
)
from sqlalchemy import Engine, text

import db.reader
from db.engine import connect
from db.errors import DatabaseUnavailable
from db.reader import open_reader
from db.revision import HEAD, current_revision
from tracker.fake_registry import FakeCtgov

READS = [
    ["status"],
    ["status", "liver-msc"],
    ["flags"],
    ["flags", "--all"],
    ["flags", "--claim", "aml-allo", "--all"],
    ["trials", "tadalafil-ed"],
    ["trials", "tadalafil-ed", "--tier", "indirect", "--tier", "background"],
    ["trials", "tadalafil-ed", "--history"],
    ["trials", "liver-msc"],
]


@pytest.fixture
def reviewed(tracker: Tracker, registry: FakeCtgov, tmp_path: Path) -> Tracker:
    """Two days of syncs with flags, screening decisions and an acknowledgement with a note."""
    put_tadalafil_records(registry)
    day_one(registry)
    ed = tmp_path / "ed"
    ed.mkdir()
    files = (write_claims(tmp_path), write_claims(ed, TADALAFIL_CLAIM))
    assert tracker("claims", "load", *map(str, files)).status == 0
    assert tracker("sync", "--quiet").status == 0
    day_two(registry)
    assert tracker("sync", "--quiet").status == 0
    included, excluded = TADALAFIL_OTHERS
    assert tracker("screen", "tadalafil-ed", included, "--include", "--by", "ann").status == 0
    assert tracker("screen", "tadalafil-ed", excluded, "--exclude", "--note", "n: x").status == 0
    assert tracker("flags", "ack", "aml-allo", "--note", "seen, 'quoted'").status == 0
    return tracker


def _reads_plainly(url: str) -> bool:
    """Whether the read commands would take the plain DB-API path on `url`."""
    reader = open_reader(url)
    if reader is None:
        return False
    reader.close()
    return True


def _through_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db.reader, "open_reader", lambda url: None)


@pytest.mark.parametrize("fmt", ["table", "wide", "json", "csv"])
def test_read_commands_print_the_same_bytes_on_either_path(
    reviewed: Tracker, database_url: str, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    assert _reads_plainly(database_url)
    option = ["--wide"] if fmt == "wide" else ["--format", fmt]
    plain = [reviewed(*argv, *option) for argv in READS]
    _through_engine(monkeypatch)
    engine = [reviewed(*argv, *option) for argv in READS]
    for argv, fast, slow in zip(READS, plain, engine, strict=True):
        assert (fast.status, fast.err) == (0, ""), argv
        assert fast.out == slow.out, argv


def test_an_unknown_claim_is_the_same_one_line_on_either_path(
    reviewed: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    argvs = [["trials", "no-such-claim"], ["flags", "--claim", "no-such-claim"]]
    plain = [reviewed(*argv) for argv in argvs]
    _through_engine(monkeypatch)
    for argv, fast in zip(argvs, plain, strict=True):
        slow = reviewed(*argv)
        assert (fast.status, fast.err) == (slow.status, slow.err) == (2, slow.err), argv
        assert "no claim with id 'no-such-claim'" in fast.err


def test_a_database_not_at_head_is_left_to_the_engine(
    tracker: Tracker, database_url: str, engine: Engine
) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not _reads_plainly(database_url)
    result = tracker("status")
    assert result.status == 1
    assert f"is at schema revision 0001; this tracker needs {HEAD}" in result.err


def test_a_missing_or_empty_sqlite_file_is_migrated_through_the_engine(
    tracker_on_empty: Tracker, empty_database_url: str
) -> None:
    assert not _reads_plainly(empty_database_url)
    assert tracker_on_empty("status").out == "(none)\n"
    assert _reads_plainly(empty_database_url)


def test_urls_the_plain_reader_does_not_read_like_sqlalchemy_go_to_the_engine(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tracker.db"
    path.write_bytes(b"")
    for url in (
        "sqlite://",
        "sqlite:///:memory:",
        f"sqlite:///{path}?mode=ro",
        "postgresql://postgres@127.0.0.1/x",
        "mysql://u@h/db",
    ):
        assert not _reads_plainly(url), url


def _refusals(url: str) -> tuple[str, str]:
    """The error each path raises for `url`, as text."""
    with pytest.raises(DatabaseUnavailable) as plain:
        open_reader(url)
    engine = connect(url)
    with pytest.raises(DatabaseUnavailable) as through_engine:
        current_revision(engine)
    engine.dispose()
    return str(plain.value), str(through_engine.value)


def test_a_file_that_is_no_database_is_the_engines_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database, " * 400)
    plain, through_engine = _refusals(f"sqlite:///{path}")
    assert plain == through_engine
    assert plain == f"cannot use database sqlite:///{path}: file is not a database"


def test_an_unreachable_server_is_the_engines_one_line_with_the_password_masked() -> None:
    url = "postgresql+psycopg://ann:s3cret@127.0.0.1:1/tracker?connect_timeout=2"
    plain, through_engine = _refusals(url)
    assert plain == through_engine
    assert plain.startswith("cannot use database postgresql+psycopg://ann:***@127.0.0.1:1/")
    assert "s3cret" not in plain
    assert "\n" not in plain


def test_status_leaves_out_retired_claims_unless_named_on_either_path(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    claims = write_claims(tmp_path)
    assert tracker("claims", "load", str(claims)).status == 0
    write_claims(tmp_path, LIVER_CLAIM)
    assert tracker("claims", "load", str(claims)).status == 0
    for through_engine in (False, True):
        if through_engine:
            _through_engine(monkeypatch)
        listed = json.loads(tracker("status", "--format", "json").out)
        assert [row["claim_id"] for row in listed] == ["liver-msc"]
        [named] = json.loads(tracker("status", "aml-allo", "--format", "json").out)
        assert named["claim_id"] == "aml-allo"
