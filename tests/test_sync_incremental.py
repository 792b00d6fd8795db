"""Incremental syncs ask only for what may have changed; edits to a claim start it over."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import Tracker
from ctgov_builders import nct
from scenarios import CLAIMS, day_one, write_claims
from sync_helpers import state

from claims.spec import Topic
from tracker.cli.sync import TerminalProgress
from tracker.fake_registry import FakeCtgov
from tracker.sync import ClaimPlan, ClaimResult


@pytest.fixture
def claims_file(tracker: Tracker, registry: FakeCtgov, tmp_path: Path) -> Path:
    """The test claims, loaded, with the registry on its first day."""
    path = write_claims(tmp_path)
    assert tracker("claims", "load", str(path)).status == 0
    day_one(registry)
    return path


def _study_queries(registry: FakeCtgov, since: int) -> list[dict[str, str]]:
    return [params for path, params in registry.requests[since:] if path == "/studies"]


def _synced(tracker: Tracker, *args: str) -> dict[str, dict[str, object]]:
    result = tracker("sync", "--format", "json", *args)
    assert result.status == 0, result.err
    return {row["claim_id"]: row for row in json.loads(result.out)}


def test_first_sync_is_full_and_the_next_asks_only_for_recent_updates(
    tracker: Tracker, registry: FakeCtgov, claims_file: Path
) -> None:
    assert {row["mode"] for row in _synced(tracker).values()} == {"full"}
    assert all("filter.advanced" not in q for q in _study_queries(registry, 0))

    registry.set_data_timestamp("2026-11-25T09:00:00")
    asked = len(registry.requests)
    rows = _synced(tracker)
    assert {row["mode"] for row in rows.values()} == {"incremental"}
    assert {row["requests"] for row in rows.values()} == {1}
    queries = _study_queries(registry, asked)
    assert [q["filter.advanced"] for q in queries] == [
        "AREA[LastUpdatePostDate]RANGE[2026-11-22,MAX]"
    ] * 3


def test_unchanged_registry_means_no_study_request_at_all(
    tracker: Tracker, registry: FakeCtgov, claims_file: Path
) -> None:
    _synced(tracker)
    asked = len(registry.requests)
    rows = _synced(tracker)
    assert {row["mode"] for row in rows.values()} == {"unchanged"}
    assert registry.requests[asked:] == [("/version", {})]


def test_full_flag_fetches_everything_again(
    tracker: Tracker, registry: FakeCtgov, claims_file: Path
) -> None:
    _synced(tracker)
    asked = len(registry.requests)
    assert {row["mode"] for row in _synced(tracker, "--full").values()} == {"full"}
    assert len(_study_queries(registry, asked)) == 3


def test_edited_topic_is_synced_in_full_and_links_name_the_new_version(
    tracker: Tracker, registry: FakeCtgov, database_url: str, claims_file: Path
) -> None:
    _synced(tracker)
    claims_file.write_text(
        CLAIMS.replace('["hepatocellular carcinoma"]', '["hepatocellular carcinoma", "HCC"]')
    )
    assert tracker("claims", "load", str(claims_file)).out.startswith("updated  liver-msc")

    rows = _synced(tracker)
    assert (rows["liver-msc"]["mode"], rows["aml-allo"]["mode"]) == ("full", "unchanged")
    links = state(database_url)["links"]
    assert links[("liver-msc", nct(1))][:2] == (True, 2)
    assert links[("aml-allo", nct(5))][:2] == (True, 1)


def test_earlier_as_of_re_judges_the_claims_flags(
    tracker: Tracker, registry: FakeCtgov, database_url: str, claims_file: Path
) -> None:
    _synced(tracker)
    assert ("liver-msc", nct(1), "NEW_TRIAL") not in state(database_url)["flags"]

    claims_file.write_text(CLAIMS.replace("as_of: 2026-11-21", "as_of: 2024-06-01", 1))
    tracker("claims", "load", str(claims_file))
    assert _synced(tracker)["liver-msc"]["mode"] == "full"
    reason = state(database_url)["flags"][("liver-msc", nct(1), "NEW_TRIAL")][0]
    assert reason == "first posted 2025-01-10, after as_of 2024-06-01"


def test_named_claims_are_the_only_ones_synced(
    tracker: Tracker, registry: FakeCtgov, claims_file: Path
) -> None:
    assert list(_synced(tracker, "--claim", "aml-allo")) == ["aml-allo"]


def test_unknown_or_retired_claim_is_bad_usage(
    tracker: Tracker, registry: FakeCtgov, claims_file: Path
) -> None:
    unknown = tracker("sync", "--claim", "no-such-claim")
    assert (unknown.status, unknown.err) == (
        2,
        "tracker: error: no claim with id 'no-such-claim' (see `tracker claims list`)\n",
    )
    claims_file.write_text(CLAIMS[: CLAIMS.index("  - id: aml-allo")])
    tracker("claims", "load", str(claims_file))
    retired = tracker("sync", "--claim", "aml-allo")
    assert retired.status == 2
    assert "claim 'aml-allo' is retired" in retired.err
    assert registry.requests == []


def test_summary_table_ends_with_totals(
    tracker: Tracker, registry: FakeCtgov, claims_file: Path
) -> None:
    lines = tracker("sync").out.splitlines()
    assert lines[0].split()[:3] == ["claim", "id", "mode"]
    assert len(lines) == 5
    assert lines[-1] == (
        "3 claims: 3 synced, 0 failed; 6 studies fetched in 4 requests;"
        " 6 new links, 6 events, 1 flag"
    )


def test_terminal_progress_rewrites_one_line() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    plan = ClaimPlan("liver-msc", Topic(conditions=("hcc",)), 1, date(2026, 11, 21), "full")
    progress.claim_started(plan, 0, 3)
    progress.page_done(plan, 1000)
    progress.claim_done(ClaimResult("liver-msc", "full", fetched=1200))
    progress.claim_started(plan, 1, 3)
    progress.close()
    frames = stream.getvalue().split("\r\x1b[K")
    assert frames[1:] == [
        "[1/3] liver-msc (full): 0 studies fetched",
        "[1/3] liver-msc (full): 1000 studies fetched",
        "[2/3] liver-msc (full): 1200 studies fetched",
        "",
    ]
