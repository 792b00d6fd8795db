"""Screening decisions: who decided what and when, kept by every later sync; included
trials count whatever their tier, excluded ones never count and lose their open flags."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import Tracker
from digest_fixtures import sync_at
from scenarios import TADALAFIL_CLAIM as CLAIM
from scenarios import TADALAFIL_DIRECT as DIRECT
from scenarios import TADALAFIL_OTHERS as OTHERS
from scenarios import put_tadalafil_records, write_claims

from tracker.fake_registry import FakeCtgov


@pytest.fixture
def screened(tracker: Tracker, registry: FakeCtgov, tmp_path: Path) -> Tracker:
    put_tadalafil_records(registry)
    assert tracker("claims", "load", str(write_claims(tmp_path, CLAIM))).status == 0
    assert tracker("sync").status == 0
    return tracker


def status(tracker: Tracker) -> dict[str, Any]:
    [record] = json.loads(tracker("status", "tadalafil-ed", "--format", "json").out)
    return record


def trials(tracker: Tracker, *args: str) -> dict[str, dict[str, Any]]:
    found = json.loads(tracker("trials", "tadalafil-ed", "--format", "json", *args).out)
    return {trial["nct_id"]: trial for trial in found}


def open_flags(tracker: Tracker) -> set[str]:
    flags = json.loads(tracker("flags", "--format", "json").out)
    return {flag["nct_id"] for flag in flags}


def test_only_direct_trials_count_and_raise_flags_until_screened(screened: Tracker) -> None:
    record = status(screened)

    assert record["trials_total"] == 2
    assert record["by_tier"] == {"direct": 2, "indirect": 1, "background": 1}
    assert record["awaiting_screening"] == 2
    assert open_flags(screened) == set(DIRECT)


def test_trials_lists_direct_first_with_reasons_and_filters_by_tier(screened: Tracker) -> None:
    listed = json.loads(screened("trials", "tadalafil-ed", "--format", "json").out)

    assert [t["tier"] for t in listed] == ["direct", "direct", "indirect", "background"]
    assert listed[0]["score"] >= listed[1]["score"]
    assert any("in arm" in reason for reason in listed[0]["reasons"])
    assert set(trials(screened, "--tier", "indirect")) == {OTHERS[0]}
    assert set(trials(screened, "--tier", "indirect", "--tier", "background")) == set(OTHERS)


def test_an_included_trial_counts_and_an_excluded_one_loses_count_and_flags(
    screened: Tracker,
) -> None:
    included = screened("screen", "tadalafil-ed", OTHERS[0], "--include", "--by", "ana")
    excluded = screened(
        "screen", "tadalafil-ed", DIRECT[0], "--exclude", "--note", "maintenance trial"
    )

    assert included.out == f"{OTHERS[0]}: included\n"
    assert excluded.status == 0
    record = status(screened)
    assert record["trials_total"] == 2
    assert record["excluded"] == 1
    assert record["awaiting_screening"] == 1
    assert open_flags(screened) == {DIRECT[1]}


def test_decisions_survive_a_full_sync_and_keep_their_history(screened: Tracker) -> None:
    screened("screen", "tadalafil-ed", OTHERS[0], "--exclude", "--by", "ana")
    screened("screen", "tadalafil-ed", OTHERS[0], "--include", "--by", "ben", "--note", "ok")

    assert screened("sync", "--full").status == 0

    trial = trials(screened, "--history")[OTHERS[0]]
    assert trial["screening"] == "include"
    assert trial["counts"] is True
    assert [(d["decision"], d["by"], d["note"]) for d in trial["decisions"]] == [
        ("exclude", "ana", None),
        ("include", "ben", "ok"),
    ]
    assert status(screened)["trials_total"] == 3


def test_an_included_trial_gets_its_flags_on_the_next_sync(screened: Tracker) -> None:
    screened("screen", "tadalafil-ed", OTHERS[1], "--include")

    assert screened("sync").status == 0

    assert OTHERS[1] in open_flags(screened)


def test_screening_an_unlinked_trial_is_one_line_and_exit_2(screened: Tracker) -> None:
    result = screened("screen", "tadalafil-ed", "NCT99999999", "--include")

    assert result.status == 2
    assert result.err == "tracker: error: claim tadalafil-ed has no linked trial NCT99999999\n"


def test_trials_as_csv_has_one_row_per_trial(screened: Tracker) -> None:
    lines = screened("trials", "tadalafil-ed", "--format", "csv").out.splitlines()

    assert lines[0].startswith("nct_id,tier,score,screening,counts")
    assert len(lines) == 5


def test_the_digest_lists_counted_trials_and_folds_the_rest(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("TRACKER_TIMEZONE", "UTC")
    put_tadalafil_records(registry)
    assert tracker("claims", "load", str(write_claims(tmp_path, CLAIM))).status == 0
    sync_at(database_url, registry, datetime(2026, 11, 25, 3, 0, tzinfo=UTC))

    document = json.loads(
        tracker("digest", "--week", "2026-W48", "--format", "json", "--out", "-").out
    )
    markdown = tracker("digest", "--week", "2026-W48", "--out", "-").out

    [claim] = document["claims"]
    assert {trial["nct_id"] for trial in claim["trials"]} == set(DIRECT)
    assert claim["folded"] == {"indirect": 1, "background": 1}
    assert (
        "Also changed: 2 trials that may not test the claim (indirect 1, background 1);"
        " see `tracker trials tadalafil-ed`." in markdown
    )


def test_a_claim_file_may_lower_the_tier_that_counts(screened: Tracker, tmp_path: Path) -> None:
    lowered = CLAIM.replace(
        "    as_of: 2008-01-01\n", "    as_of: 2008-01-01\n    min_relevance: indirect\n"
    )
    assert screened("claims", "load", str(write_claims(tmp_path, lowered))).status == 0

    record = status(screened)
    assert record["min_relevance"] == "indirect"
    assert record["trials_total"] == 3
    assert record["awaiting_screening"] == 1
    assert screened("sync").status == 0
    assert OTHERS[0] in open_flags(screened)
