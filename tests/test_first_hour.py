"""The first hour: the demo, tables that fit, help pages, `tracker config`, conventions."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import Tracker
from ctgov_builders import make_study

from tracker.cli import build_parser, main
from tracker.cli.output import write_table
from tracker.fake_registry import FakeCtgov

CLAIM_FILE = """\
article: {{id: {article}, title: "An article"}}
claims:
  - id: {claim}
    text: "A claim."
    as_of: 2026-11-21
    topic: {{conditions: ["leukemia"]}}
"""


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        status = main(list(args))
    except SystemExit as exc:
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_demo_links_real_trials_and_the_nights_raise_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    status, out, _ = _run(capsys, "demo", "--dir", str(tmp_path / "demo"))
    assert status == 0
    assert time.monotonic() - started < 60
    assert "tracker.db" not in {path.name for path in tmp_path.rglob("*")}
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'demo' / 'demo.db'}")
    with engine.connect() as connection:
        links = connection.execute(text("SELECT COUNT(*) FROM claim_studies")).scalar_one()
        kinds = set(connection.execute(text("SELECT kind FROM flags")).scalars())
    engine.dispose()
    assert links > 0
    assert {"TRIAL_COMPLETED", "RESULTS_POSTED", "TRIAL_STOPPED"} <= kinds
    for heading in ("== tracker status", "== tracker flags", "# Claim–trial digest"):
        assert heading in out
    assert (tmp_path / "demo" / "digests").is_dir()


def test_demo_starts_afresh_and_ignores_the_users_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql+psycopg://nobody@192.0.2.1/none")
    (tmp_path / "tracker.toml").write_text("bad_key = 1\n")
    first = _run(capsys, "demo", "--dir", str(tmp_path / "d"))
    second = _run(capsys, "demo", "--dir", str(tmp_path / "d"))
    assert first[0] == second[0] == 0
    assert first[1].split("\n", 1)[1] == second[1].split("\n", 1)[1]


ROWS = [
    {
        "claim_id": "stem-cell-transplant-restores-blood-production",
        "nct_id": "NCT05335226",
        "kind": "TRIAL_STOPPED",
        "title": "Combined Haploidentical and Umbilical Cord Blood Allogeneic Stem Cell "
        "Transplantation in Patients With Acute Leukemia",
    }
]


@pytest.mark.parametrize("width", [80, 120])
def test_tables_fit_the_width_and_cut_text_with_an_ellipsis(width: int) -> None:
    import io

    out = io.StringIO()
    write_table(ROWS, ("nct_id", "kind", "claim_id", "title"), out, width=width)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= width for line in lines)
    assert "NCT05335226" in lines[1]
    assert "…" in lines[1]


def test_the_column_that_names_the_row_gives_way_last() -> None:
    import io

    rows = [
        {
            "claim_id": "stem-cell-transplant-restores-blood-production",
            "evidence_level": "results-available",
            "trials": "152 (3 planned, 41 ongoing, 88 completed, 12 stopped, 8 unknown)",
        }
    ]
    out = io.StringIO()
    write_table(rows, ("claim_id", "evidence_level", "trials"), out, width=80)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "stem-cell-transplant-restores-blood-production" in lines[1]
    assert "…" in lines[1]


def test_a_table_that_cannot_fit_becomes_vertical_records_and_wide_shows_everything() -> None:
    import io

    narrow, wide = io.StringIO(), io.StringIO()
    write_table(ROWS, tuple(ROWS[0]), narrow, width=30)
    write_table(ROWS, tuple(ROWS[0]), wide, width=30, wide=True)
    assert narrow.getvalue().startswith("-[ RECORD 1 ]")
    assert all(len(line) <= 30 for line in narrow.getvalue().splitlines())
    assert ROWS[0]["title"] in wide.getvalue()


TABLE_COMMANDS = [
    ("status",),
    ("flags", "--all"),
    ("claims", "list"),
    ("claims", "show", "stem-cell-transplant-long-term-remission", "--history"),
    ("config",),
]


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [sys.executable, "-m", "tracker", "demo", "--dir", str(folder)],
        check=True,
        capture_output=True,
    )
    return f"sqlite:///{folder / 'demo.db'}"


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", TABLE_COMMANDS, ids=" ".join)
def test_every_table_command_fits_80_and_120_columns(
    command: tuple[str, ...],
    width: int,
    demo_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRACKER_DATABASE_URL", demo_database)
    monkeypatch.setenv("COLUMNS", str(width))
    status, out, _ = _run(capsys, *command)
    assert status == 0
    assert out.strip()
    assert "(none)" not in out
    assert max(len(line) for line in out.splitlines()) <= width
    monkeypatch.setenv("COLUMNS", "40")
    _, wide, _ = _run(capsys, *command, "--wide")
    assert max(len(line) for line in wide.splitlines()) > 40


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield (*path, name), child
                yield from _commands(child, (*path, name))


def test_every_command_and_subcommand_has_a_description_and_an_example() -> None:
    commands = list(_commands(build_parser()))
    assert {"demo", "config", "schedule"} <= {path[0] for path, _ in commands}
    for path, parser in commands:
        page = parser.format_help()
        assert parser.description, path
        assert "\n\n" in parser.description, path
        assert "examples:\n  tracker " in page, path
    one_liners = [
        choice
        for _, parser in [((), build_parser()), *commands]
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
    ]
    assert len(one_liners) == len(commands)
    assert all(choice.help for choice in one_liners)


def test_help_names_the_variables_a_command_reads(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "sync", "--help")
    assert "reads: TRACKER_DATABASE_URL, CTGOV_API_URL" in out


def test_config_shows_each_settings_origin_with_secrets_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tracker.toml").write_text('rate_limit = 10\nsmtp_password = "hunter2"\n')
    monkeypatch.setenv("TRACKER_DATABASE_URL", "postgresql+psycopg://me:s3cret@db/tracker")
    status, out, _ = _run(capsys, "config", "--format", "json")
    assert status == 0
    rows = {row["variable"]: row for row in json.loads(out)}
    assert rows["TRACKER_RATE_LIMIT"]["origin"].endswith("tracker.toml")
    assert rows["TRACKER_RATE_LIMIT"]["value"] == "10"
    assert rows["TRACKER_DATABASE_URL"]["origin"] == "environment"
    assert rows["TRACKER_SYNC_CRON"]["origin"] == "default"
    assert "hunter2" not in out
    assert "s3cret" not in out


def test_bad_file_settings_name_the_key_and_list_the_valid_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tracker.toml").write_text("rate_limt = 10\n")
    status, _, err = _run(capsys, "status")
    assert status == 2
    assert "unknown setting 'rate_limt'" in err
    assert "rate_limit" in err
    (tmp_path / "tracker.toml").write_text('rate_limit = "fast"\n')
    _, _, err = _run(capsys, "status")
    assert "tracker.toml: rate_limit must be a number" in err


def test_a_mistyped_command_suggests_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "synk")
    assert status == 2
    assert "did you mean `sync`?" in err


def test_version_goes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "--version")
    assert status == 0
    assert out.startswith("tracker ")


def test_verbose_and_quiet_are_accepted_after_the_command(tracker: Tracker) -> None:
    assert tracker("status", "-v").status == 0
    assert tracker("claims", "list", "-q").status == 0
    assert tracker("sync", "-q").status == 0


def test_a_closed_pipe_ends_quietly_with_status_0(tmp_path: Path) -> None:
    command = (
        f"{sys.executable} -m tracker demo --dir {tmp_path / 'demo'} | head -1; "
        "exit ${PIPESTATUS[0]}"
    )
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0
    assert done.stderr == ""


def test_claims_load_of_a_folder_loads_every_claim_file(tracker: Tracker, tmp_path: Path) -> None:
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "a.yaml").write_text(CLAIM_FILE.format(article="a", claim="claim-a"))
    (folder / "b.yml").write_text(CLAIM_FILE.format(article="b", claim="claim-b"))
    result = tracker("claims", "load", str(folder))
    assert result.status == 0
    assert "2 added" in result.out


def test_draft_out_refuses_to_overwrite_without_force(tracker: Tracker, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("# Stem cells\n\nAllogeneic stem cell transplantation cures leukemia.\n")
    target = tmp_path / "article.yaml"
    target.write_text("# my edits\n")
    refused = tracker("claims", "draft", str(article), "--out", str(target))
    assert refused.status == 2
    assert "--force" in refused.err
    assert target.read_text() == "# my edits\n"
    assert tracker("claims", "draft", str(article), "--out", str(target), "--force").status == 0
    assert target.read_text() != "# my edits\n"


def test_sync_with_no_claims_says_how_to_load_them(tracker: Tracker) -> None:
    result = tracker("sync")
    assert result.status == 0
    assert "tracker claims load" in result.err


def test_digest_without_week_names_its_week_and_points_to_this_weeks_changes(
    tracker: Tracker, registry: FakeCtgov, tmp_path: Path
) -> None:
    from tracker.digest.week import IsoWeek

    claims = tmp_path / "claims.yaml"
    claims.write_text(CLAIM_FILE.format(article="a", claim="claim-a"))
    registry.put_study(make_study("NCT00000001", conditions=["leukemia"]))
    assert tracker("claims", "load", str(claims)).status == 0
    assert tracker("sync").status == 0
    result = tracker("digest", "--out", "-")
    today = datetime.now().astimezone().date()
    assert f"digest of {IsoWeek.last_complete(today)} (" in result.err
    current = IsoWeek.containing(today)
    assert f"`tracker digest --week {current}` shows them" in result.err
    this_week = tracker("digest", "--week", str(current), "--out", "-").out
    assert "[NCT00000001](https://clinicaltrials.gov/study/NCT00000001)" in this_week
    assert f"linked to the claim ({today})" in this_week


def test_unmatched_and_rematched_items_say_when() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from tracker.digest.build import _claim_trials

    seen = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    events = [
        {
            "id": n,
            "nct_id": f"NCT0000000{n}",
            "kind": kind,
            "severity": "minor",
            "observed_at": seen,
            "effective_on": None,
            "detail": None,
        }
        for n, kind in enumerate(("unmatched", "rematched", "linked"), start=1)
    ]
    trials, _, _ = _claim_trials([], events, ZoneInfo("UTC"), "minor")
    assert [change["at"] for trial in trials for change in trial["changes"]] == ["2026-11-25"] * 3


def test_the_demo_timeline_starts_the_sunday_after_every_claim_and_record() -> None:
    from datetime import date

    from tracker.demo.nights import timeline

    record = {
        "protocolSection": {"statusModule": {"lastUpdatePostDateStruct": {"date": "2025-07-02"}}}
    }
    days = timeline([date(2026, 11, 21)], [record])
    assert (days.first_sync, days.night_1, days.night_2) == (
        date(2026, 11, 22),
        date(2026, 11, 23),
        date(2026, 11, 24),
    )
    assert timeline([date(2026, 11, 22)], [record]).first_sync == date(2026, 11, 29)
