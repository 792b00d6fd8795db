"""`tracker claims show` with trials and history; `tracker flags` and `tracker flags ack`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import Tracker
from ctgov_builders import nct
from scenarios import WHY_LIVER, day_one, day_two, write_claims

from tracker.fake_registry import FakeCtgov


@pytest.fixture
def two_days(tracker: Tracker, registry: FakeCtgov, tmp_path: Path) -> Tracker:
    tracker("claims", "load", str(write_claims(tmp_path)))
    day_one(registry)
    assert tracker("sync", "--quiet").status == 0
    day_two(registry)
    assert tracker("sync", "--quiet").status == 0
    return tracker


def test_show_lists_linked_trials_most_recently_changed_first(two_days: Tracker) -> None:
    shown = json.loads(two_days("claims", "show", "liver-msc", "--format", "json").out)
    trials = shown["trials"]
    assert [t["nct_id"] for t in trials] == [nct(1), nct(6), nct(2)]
    first = trials[0]
    assert (first["status"], first["completion_date"], first["has_results"]) == (
        "COMPLETED",
        "2026-11-20",
        False,
    )
    assert (first["matched_on"], first["still_matching"]) == (WHY_LIVER, True)
    assert "history" not in shown


def test_show_history_adds_the_dated_events_newest_first(two_days: Tracker) -> None:
    shown = json.loads(two_days("claims", "show", "liver-msc", "--history", "--format", "json").out)
    kinds = [(e["kind"], e["nct_id"]) for e in shown["history"]]
    assert sorted(kinds[:3]) == sorted(
        [("linked", nct(6)), ("status_changed", nct(1)), ("dates_changed", nct(1))]
    )
    assert sorted(kinds[3:]) == [("linked", nct(1)), ("linked", nct(2))]
    assert all(e["claim_id"] == "liver-msc" for e in shown["history"])


def test_show_history_leaves_out_other_claims_studies(two_days: Tracker) -> None:
    shown = json.loads(two_days("claims", "show", "aml-allo", "--history", "--format", "json").out)
    assert {e["nct_id"] for e in shown["history"]} == {nct(4), nct(5)}


def test_show_table_and_csv(two_days: Tracker) -> None:
    table = two_days("claims", "show", "liver-msc", "--history", "--wide").out
    assert "linked trials: 3" in table
    assert "history: 5 events" in table
    assert "RECRUITING → COMPLETED" in table
    rows = list(
        csv.DictReader(io.StringIO(two_days("claims", "show", "liver-msc", "--format", "csv").out))
    )
    assert [row["nct_id"] for row in rows] == [nct(1), nct(6), nct(2)]
    assert rows[0]["matched_on.conditions"] == "hepatocellular carcinoma"
    assert rows[0]["still_matching"] == "yes"


def test_flags_lists_open_flags_with_the_documented_keys(two_days: Tracker) -> None:
    flags = json.loads(two_days("flags", "--format", "json").out)
    assert [(f["claim_id"], f["nct_id"], f["kind"]) for f in flags] == [
        ("liver-msc", nct(2), "NEW_TRIAL"),
        ("liver-msc", nct(1), "TRIAL_COMPLETED"),
        ("liver-msc", nct(6), "NEW_TRIAL"),
        ("aml-allo", nct(5), "TRIAL_STOPPED"),
    ]
    assert set(flags[0]) >= {
        "id",
        "claim_id",
        "nct_id",
        "kind",
        "raised_at",
        "acknowledged_at",
        "note",
    }
    only = json.loads(two_days("flags", "--claim", "aml-allo", "--format", "json").out)
    assert [f["kind"] for f in only] == ["TRIAL_STOPPED"]


def test_ack_by_claim_by_id_and_all(two_days: Tracker) -> None:
    flags = json.loads(two_days("flags", "--format", "json").out)
    first_id = flags[0]["id"]
    by_id = two_days("flags", "ack", "--flag", str(first_id), "--note", "read the protocol")
    assert by_id.out == "acknowledged 1 flag\n"
    assert two_days("flags", "ack", "aml-allo").out == "acknowledged 1 flag\n"
    assert two_days("flags", "ack", "--all").out == "acknowledged 2 flags\n"
    assert json.loads(two_days("flags", "--format", "json").out) == []
    everything = json.loads(two_days("flags", "--all", "--format", "json").out)
    assert len(everything) == 4
    noted = next(f for f in everything if f["id"] == first_id)
    assert noted["note"] == "read the protocol"
    assert noted["acknowledged_at"] is not None
    again = two_days("flags", "ack", "--flag", str(first_id))
    assert again.out == f"acknowledged 0 flags\nalready acknowledged: {first_id}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("flags", "ack", "--flag", "999"), "tracker: error: no flag with id 999"),
        (("flags", "ack"), "tracker: error: acknowledge one claim's flags"),
        (("flags", "ack", "liver-msc", "--all"), "tracker: error: acknowledge one claim's flags"),
        (("flags", "ack", "nope"), "tracker: error: no claim with id 'nope'"),
        (("flags", "--claim", "nope"), "tracker: error: no claim with id 'nope'"),
        (("flags", "ack", "--flag", "abc"), "tracker flags ack: error: argument --flag"),
        (("status", "--format", "xml"), "tracker status: error: argument --format"),
    ],
)
def test_bad_ids_and_options_exit_2_with_one_clear_line(
    two_days: Tracker, args: tuple[str, ...], message: str
) -> None:
    result = two_days(*args)
    assert result.status == 2
    assert result.err.splitlines()[-1].startswith(message)
