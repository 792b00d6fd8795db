"""`tracker sync` against a registry as unkind as the real one: nothing missed, invented or hidden.

Each test drives the real command against the fake ClinicalTrials.gov made to misbehave as
the real service may (paging quirks, merged records, statuses that move no update date,
refusals, throttling, no route, a bad `/version`) and checks the exact links, events and
flags left behind.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Tracker
from ctgov_builders import make_study, nct
from ctgov_fixtures import SleepRecorder
from scenarios import LIVER, LIVER_CLAIM, write_claims
from smtp_fixtures import free_port
from sqlalchemy import select, update
from sync_helpers import state

from db.engine import connect, transaction
from db.models import Article, ClaimSyncState, RegistryBinding, Study, SyncRun
from tracker.ctgov import CtgovClient
from tracker.ctgov.retry import THROTTLE_BUDGET
from tracker.fake_registry import FakeCtgov, Fault, FaultKind
from tracker.fake_registry.corpus import Quirks
from tracker.sync import sync

WHY = {
    "conditions": ["hepatocellular carcinoma"],
    "interventions": ["mesenchymal stem cells"],
    "terms": [],
}
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
MANY = range(100, 1110)
"""1,010 matching studies: two API pages of 1,000."""


def liver(n: int, **fields: Any) -> dict[str, Any]:
    return make_study(nct(n), **LIVER, **fields)


def load(tracker: Tracker, tmp_path: Path, text: str = LIVER_CLAIM) -> None:
    assert tracker("claims", "load", str(write_claims(tmp_path, text))).status == 0


def linked(n: int) -> tuple[str, ...]:
    detail = json.dumps({"matched_on": WHY, "topic_version": 1}, sort_keys=True)
    return ("linked", nct(n), "liver-msc", "", detail, "minor")


def all_linked(numbers: range | list[int]) -> dict[tuple[str, str], tuple[Any, ...]]:
    return {("liver-msc", nct(n)): (True, 1, WHY) for n in numbers}


def runs(url: str) -> list[SyncRun]:
    engine = connect(url)
    with transaction(engine) as session:
        found = list(session.scalars(select(SyncRun).order_by(SyncRun.id)))
        session.expunge_all()
    engine.dispose()
    return found


def summary_row(out: str) -> list[str]:
    """The cells of the liver claim's row in the sync's summary table."""
    return next(line.split() for line in out.splitlines() if line.startswith("liver-msc"))


def study_requests(registry: FakeCtgov) -> list[dict[str, str]]:
    return [params for path, params in registry.requests if path == "/studies"]


@pytest.fixture
def many(registry: FakeCtgov) -> FakeCtgov:
    for n in MANY:
        registry.put_study(liver(n, first_posted="2024-01-01"))
    return registry


# --- complete walks ------------------------------------------------------------------------


def test_overlapping_pages_and_an_understated_total_lose_no_study_and_invent_no_change(
    tracker: Tracker, many: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    many.corpus.quirks = Quirks(overlap=10, understate=500)

    first = tracker("sync")
    full = tracker("sync", "--full")

    assert (first.status, full.status) == (0, 0)
    after = state(database_url)
    assert after["links"] == all_linked(MANY)
    assert after["events"] == sorted(linked(n) for n in MANY)
    assert after["flags"] == {}
    assert len(study_requests(many)) == 2 + 2
    assert [run.warnings for run in runs(database_url)] == [[], []]


def test_an_empty_page_that_offers_a_token_does_not_end_the_walk(
    tracker: Tracker, many: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    many.corpus.quirks = Quirks(empty_page=2)

    assert tracker("sync").status == 0

    assert state(database_url)["links"] == all_linked(MANY)
    assert len(study_requests(many)) == 3


def test_a_walk_short_of_its_total_is_recorded_shown_and_logged(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    registry.put_study(liver(1))
    registry.corpus.quirks = Quirks(understate=-4)

    result = tracker("-v", "sync")

    warning = "walk ended with 1 distinct studies of the 5 announced"
    assert result.status == 0
    assert f"tracker: INFO: claim liver-msc: {warning}" in result.err
    assert summary_row(result.out)[:4] == ["liver-msc", "full", "short", "1"]
    assert runs(database_url)[0].warnings == [{"claim_id": "liver-msc", "warning": warning}]
    assert state(database_url)["links"] == all_linked([1])


@pytest.mark.parametrize("status", [400, 500])
def test_an_expired_token_restarts_the_walk_once(
    tracker: Tracker, many: FakeCtgov, database_url: str, tmp_path: Path, status: int
) -> None:
    load(tracker, tmp_path)
    many.inject(Fault.expired_token(status))

    assert tracker("sync").status == 0

    assert state(database_url)["links"] == all_linked(MANY)
    assert ["pageToken" in params for params in study_requests(many)] == [
        False,
        True,
        False,
        True,
    ]


def test_a_token_expired_twice_fails_the_claim_and_writes_nothing(
    tracker: Tracker, many: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    many.inject(Fault.expired_token(), times=2)

    result = tracker("sync")

    assert result.status == 1
    assert result.err.startswith(
        "tracker: claim liver-msc failed: page token refused again after the walk restarted:"
    )
    assert state(database_url)["links"] == {}
    assert summary_row(result.out)[:3] == ["liver-msc", "full", "failed"]


def test_a_cut_off_full_walk_marks_nothing_unmatched_and_keeps_the_bookmark(
    tracker: Tracker, many: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    assert tracker("sync").status == 0
    before = state(database_url)
    looping = Fault.http(200, '{"studies": [], "nextPageToken": "loop"}', path="/studies")
    many.inject(looping, times=2)

    result = tracker("sync", "--full")

    assert result.status == 0
    assert state(database_url) == before
    warning = runs(database_url)[-1].warnings
    assert warning == [
        {
            "claim_id": "liver-msc",
            "warning": "walk cut off with a page token still offered after 0 distinct studies",
        }
    ]


# --- changes that move no update date --------------------------------------------------------


def test_a_status_turned_unknown_without_a_new_update_date_is_seen_by_the_periodic_full_sync(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    registry.set_data_timestamp("2026-11-24T09:00:00")
    registry.put_study(liver(1, last_update="2024-06-01", verified="2024-05"))
    assert tracker("sync").status == 0
    registry.set_data_timestamp("2026-11-25T09:00:00")
    registry.put_study(
        liver(1, status="UNKNOWN", last_known_status="RECRUITING", last_update="2024-06-01")
    )

    assert tracker("sync").status == 0
    assert state(database_url)["studies"][nct(1)][0] == "RECRUITING"

    engine = connect(database_url)
    with transaction(engine) as session:
        bookmark = session.get_one(ClaimSyncState, "liver-msc")
        bookmark.full_synced_at -= timedelta(days=7)
    registry.set_data_timestamp("2026-11-26T09:00:00")
    assert tracker("sync").status == 0

    after = state(database_url)
    assert after["studies"][nct(1)][0] == "UNKNOWN"
    assert after["events"] == sorted(
        [
            linked(1),
            (
                "status_changed",
                nct(1),
                "",
                "2024-06-01",
                json.dumps({"new": "UNKNOWN", "old": "RECRUITING"}, sort_keys=True),
                "minor",
            ),
        ]
    )
    assert "filter.advanced" not in study_requests(registry)[-1]
    with transaction(engine) as session:
        assert session.get(Study, nct(1)).status_verified_date is None
    engine.dispose()


# --- merged records ------------------------------------------------------------------------------


def test_a_study_merged_under_a_new_id_keeps_its_links_events_and_flags(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    registry.set_data_timestamp("2026-11-24T09:00:00")
    registry.put_study(liver(1, first_posted="2026-11-23"))
    assert tracker("sync").status == 0
    registry.set_data_timestamp("2026-11-25T09:00:00")
    registry.remove_study(nct(1))
    registry.put_study(
        liver(7, aliases=[nct(1)], first_posted="2026-11-23", last_update="2026-11-25")
    )

    assert tracker("sync").status == 0
    assert tracker("sync", "--full").status == 0

    after = state(database_url)
    assert set(after["studies"]) == {nct(7)}
    assert after["links"] == all_linked([7])
    assert after["events"] == [linked(7)]
    assert after["flags"] == {
        ("liver-msc", nct(7), "NEW_TRIAL"): (
            "first posted 2026-11-23, after as_of 2026-11-21",
            "2026-11-23",
            None,
        )
    }
    engine = connect(database_url)
    with transaction(engine) as session:
        assert session.get(Study, nct(7)).nct_id_aliases == [nct(1)]
    engine.dispose()


def test_a_study_merged_into_one_already_stored_folds_into_it(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    registry.set_data_timestamp("2026-11-24T09:00:00")
    registry.put_study(liver(1, first_posted="2026-11-23"))
    registry.put_study(liver(7, first_posted="2024-01-01"))
    assert tracker("sync").status == 0
    registry.set_data_timestamp("2026-11-25T09:00:00")
    registry.remove_study(nct(1))
    registry.put_study(
        liver(7, aliases=[nct(1)], first_posted="2024-01-01", last_update="2026-11-25")
    )

    assert tracker("sync", "--full").status == 0

    after = state(database_url)
    assert set(after["studies"]) == {nct(7)}
    assert after["links"] == all_linked([7])
    assert after["events"] == [linked(7)]
    assert list(after["flags"]) == [("liver-msc", nct(7), "NEW_TRIAL")]


def test_enrollment_99999999_is_stored_as_unknown(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    registry.put_study(liver(1, enrollment=99_999_999, verified="2026-10"))

    assert tracker("sync").status == 0

    engine = connect(database_url)
    with transaction(engine) as session:
        study = session.get(Study, nct(1))
        assert (study.enrollment, study.status_verified_date) == (None, "2026-10")
    engine.dispose()


# --- refusals and throttling -------------------------------------------------------------------


def test_403_twice_fails_with_the_registry_refusing_this_client(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    registry.put_study(liver(1))
    registry.inject(Fault.forbidden(path="/studies"), times=2)

    result = tracker("sync")

    assert result.status == 1
    assert result.err.splitlines() == [
        "tracker: claim liver-msc failed: the registry refused this client (HTTP 403 Forbidden,"
        " 2 times): not throttling; check the network's proxy or TLS setup"
        ' (GET /studies [query.cond="hepatocellular carcinoma";'
        ' query.intr="mesenchymal stem cells"; page 1])'
    ]
    assert state(database_url)["links"] == {}


def test_a_long_run_of_429s_is_waited_out(
    tracker: Tracker,
    registry: FakeCtgov,
    database_url: str,
    tmp_path: Path,
    sleeps: SleepRecorder,
) -> None:
    load(tracker, tmp_path)
    registry.put_study(liver(1))
    registry.inject(Fault.too_many_requests(20, path="/studies"), times=5)

    result = tracker("sync")

    assert result.status == 0, result.err
    assert state(database_url)["links"] == all_linked([1])
    assert sleeps.calls == [20.0] * 5


def test_429_beyond_the_budget_fails_the_claim_in_one_line(
    tracker: Tracker,
    registry: FakeCtgov,
    database_url: str,
    tmp_path: Path,
    sleeps: SleepRecorder,
) -> None:
    load(tracker, tmp_path)
    registry.put_study(liver(1))
    registry.inject(Fault.too_many_requests(50, path="/studies"), times=4)

    result = tracker("sync")

    assert result.status == 1
    assert result.err.startswith(
        "tracker: claim liver-msc failed: throttled (HTTP 429) through 120 s of waiting (GET"
    )
    assert sleeps.calls == [50.0, 50.0, THROTTLE_BUDGET - 100.0]
    assert state(database_url)["links"] == {}


# --- one registry per database -----------------------------------------------------------------


def test_a_database_refuses_an_incremental_sync_against_another_registry(
    tracker: Tracker,
    registry: FakeCtgov,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load(tracker, tmp_path)
    registry.put_study(liver(1))
    assert tracker("sync").status == 0
    with FakeCtgov([liver(1), liver(2)]) as other:
        other_url = other.url
        monkeypatch.setenv("CTGOV_API_URL", other_url)

        refused = tracker("sync")
        moved = tracker("sync", "--full")
        again = tracker("sync")
        assert other.requests[0] == ("/version", {})

    assert refused.status == 2
    assert refused.err == (
        f"tracker: error: this database syncs against {registry.url}, but CTGOV_API_URL is"
        f" {other_url}: its bookmarks are only valid for the first; set CTGOV_API_URL back,"
        " or run `tracker sync --full` to move the database to the second\n"
    )
    assert (moved.status, again.status) == (0, 0)
    assert state(database_url)["links"] == all_linked([1, 2])
    assert [run.api_url for run in runs(database_url)] == [registry.url, other_url, other_url]
    engine = connect(database_url)
    with transaction(engine) as session:
        assert session.get(RegistryBinding, 1).api_url == other_url
    engine.dispose()


# --- no network, a bad /version ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:{port}/api/v2", "connection refused by 127.0.0.1:{port}"),
        ("http://registry.invalid/api/v2", "cannot resolve registry.invalid"),
    ],
    ids=["refused", "no-name"],
)
def test_no_route_to_the_registry_stops_the_sync_at_once_with_one_line(
    tracker: Tracker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sleeps: SleepRecorder,
    url: str,
    problem: str,
) -> None:
    load(tracker, tmp_path)
    port = free_port()
    target = url.format(port=port)
    monkeypatch.setenv("CTGOV_API_URL", target)
    monkeypatch.setattr("tracker.ctgov.client.pause", sleeps)

    started = time.monotonic()
    result = tracker("sync")

    assert time.monotonic() - started < 10
    assert result.status == 1
    assert result.err == (
        f"tracker: error: cannot reach {target}: {problem.format(port=port)};"
        " check the network connection, and CTGOV_API_URL\n"
    )
    assert sleeps.calls == []


@pytest.mark.parametrize(
    "timestamp",
    [
        '"not a timestamp"',
        json.dumps("2026-11-25T09:00:00" * 20),
        '"2026-11-25T09:00:00\\u0000"',
        '"2026-11-25T09:00:00\\ud800"',
        "null",
    ],
    ids=["text", "too-long", "nul", "lone-surrogate", "missing"],
)
def test_a_bad_version_answer_syncs_from_the_bookmarks_with_one_warning(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path, timestamp: str
) -> None:
    load(tracker, tmp_path)
    registry.set_data_timestamp("2026-11-24T09:00:00")
    registry.put_study(liver(1, last_update="2026-11-20"))
    assert tracker("sync").status == 0
    registry.put_study(liver(2, first_posted="2026-11-25"))
    body = f'{{"apiVersion": "2.0.5", "dataTimestamp": {timestamp}}}'
    registry.inject(Fault.http(200, body, path="/version"))

    result = tracker("sync")

    assert result.status == 0
    assert result.err == (
        "tracker: WARNING: cannot tell whether the registry changed (/version gave no usable"
        " dataTimestamp): syncing from the bookmarks\n"
    )
    assert study_requests(registry)[-1]["filter.advanced"] == (
        "AREA[LastUpdatePostDate]RANGE[2026-11-22,MAX]"
    )
    assert state(database_url)["links"] == all_linked([1, 2])
    assert runs(database_url)[-1].data_timestamp is None


# --- query syntax ------------------------------------------------------------------------------


def test_operator_words_and_quotes_reach_the_registry_as_phrases(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    claim = LIVER_CLAIM.replace(
        'conditions: ["hepatocellular carcinoma"]\n      interventions: ["mesenchymal stem cells"]',
        "conditions: [ALL]\n      interventions: ['the \"so-called\" cure']",
    )
    load(tracker, tmp_path, claim)
    registry.put_study(
        make_study(nct(1), conditions=["ALL"], interventions=['The "so-called" cure'])
    )
    registry.put_study(make_study(nct(2), conditions=["Asthma"], interventions=["The cure"]))

    assert tracker("sync").status == 0

    sent = study_requests(registry)[0]
    assert (sent["query.cond"], sent["query.intr"]) == ('"ALL"', '"the \\"so-called\\" cure"')
    assert [nct_id for _, nct_id in state(database_url)["links"]] == [nct(1)]


# --- no write lock while waiting on the network ---------------------------------------------------


def test_no_write_lock_is_held_while_a_page_is_awaited(
    tracker: Tracker, many: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    load(tracker, tmp_path)
    many.inject(Fault(FaultKind.SLOW, seconds=3.0, path="/studies", continuation=True))
    syncing, writing = connect(database_url), connect(database_url)
    client = CtgovClient(many.url, rate_limit=None)
    worker = threading.Thread(target=sync, args=(syncing, client), kwargs={"clock": lambda: NOW})
    worker.start()
    deadline = time.monotonic() + 10
    while not any("pageToken" in params for params in study_requests(many)):
        assert time.monotonic() < deadline, "the sync never asked for its second page"
        time.sleep(0.02)

    started = time.monotonic()
    with transaction(writing) as session:
        session.execute(update(Article).values(title="Edited while the sync waits"))
    waited = time.monotonic() - started
    worker.join(timeout=20)

    assert waited < 1.5
    assert state(database_url)["links"] == all_linked(MANY)
    syncing.dispose()
    writing.dispose()
