"""Changes that matter to evidence, over two registry days of the fake: a reworded primary
outcome, an enrollment cut by half, a completion date moved a year, a results publication
added, results a year overdue. Each gives exactly the events, severities and flags that
README's tables say, and a database rebuilt from the last day gets the same flags but the
one only a registry's history could show (the outcome as it was)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import test_sync_scenario as scenario
from conftest import Tracker
from ctgov_builders import make_study, nct
from readme_sql import readme_queries_on
from scenarios import LIVER, LIVER_CLAIM, WHY_LIVER, event, linked, write_claims
from sync_helpers import state

from db.engine import connect
from db.migrate import downgrade, upgrade
from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov
from tracker.sync import sync

OLD = {"first_posted": "2020-01-15", "last_update": "2025-06-01"}
SURVIVAL = ("Overall survival", "2 years")
RESULT = {
    "pmid": "39000001",
    "type": "RESULT",
    "citation": "Doe J, Roe R. MSCs after resection of HCC. Hepatology. 2026 Nov 25;80(5):1-9.",
}
OLD_FLAGS = {"NEW_TRIAL", "TRIAL_COMPLETED", "RESULTS_POSTED", "TRIAL_STOPPED"}
DERIVED = {"pmid": "39000002", "type": "DERIVED", "citation": "Poe P. A meta-analysis. 2026."}


def _sync(database_url: str, registry: FakeCtgov, day: int, *, full: bool = False) -> None:
    engine = connect(database_url)
    with CtgovClient(registry.url, rate_limit=None) as client:
        report = sync(
            engine, client, clock=lambda: datetime(2026, 11, day, 3, tzinfo=UTC), full=full
        )
    engine.dispose()
    assert not report.failed, report.failed


def day_one(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-24T09:00:00")
    for study in (
        make_study(nct(11), **LIVER, **OLD, outcomes=[SURVIVAL]),
        make_study(nct(12), **LIVER, **OLD, enrollment=200, enrollment_type="ESTIMATED"),
        make_study(nct(13), **LIVER, **OLD, completion=("2027-06-30", "ESTIMATED")),
        make_study(nct(14), **LIVER, status="COMPLETED", **OLD, completion="2025-03-01"),
        make_study(nct(15), **LIVER, status="COMPLETED", **OLD, primary_completion="2025-11-22"),
        make_study(nct(16), **LIVER, status="COMPLETED", **OLD, primary_completion="2025-10-01"),
        make_study(nct(17), **LIVER, status="COMPLETED", **OLD, primary_completion="2025-11-26"),
    ):
        registry.put_study(study)


def day_two(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-27T09:00:00")
    new = {"first_posted": "2020-01-15", "last_update": "2026-11-26"}
    for study in (
        make_study(nct(11), **LIVER, **new, outcomes=[("Progression-free survival", "2 years")]),
        make_study(nct(12), **LIVER, **new, enrollment=100, enrollment_type="ESTIMATED"),
        make_study(nct(13), **LIVER, **new, completion=("2028-06-30", "ESTIMATED")),
        make_study(
            nct(14),
            **LIVER,
            status="COMPLETED",
            **new,
            completion="2025-03-01",
            references=[RESULT, DERIVED],
        ),
    ):
        registry.put_study(study)


DAY_TWO_EVENTS = [
    event(
        "outcome_changed",
        11,
        on="2026-11-26",
        severity="critical",
        added=[],
        removed=[],
        reworded=[
            {
                "old": {"measure": "Overall survival", "time_frame": "2 years"},
                "new": {"measure": "Progression-free survival", "time_frame": "2 years"},
                "what": ["measure"],
            }
        ],
    ),
    event(
        "enrollment_changed",
        12,
        on="2026-11-26",
        severity="notable",
        old={"count": 200, "type": "ESTIMATED"},
        new={"count": 100, "type": "ESTIMATED"},
        change_percent=-50.0,
    ),
    event(
        "dates_changed",
        13,
        on="2026-11-26",
        severity="notable",
        completion_date={
            "old": {"date": "2027-06-30", "type": "ESTIMATED"},
            "new": {"date": "2028-06-30", "type": "ESTIMATED"},
            "shift_days": 366,
        },
    ),
    event(
        "publication_added",
        14,
        on="2026-11-26",
        severity="notable",
        pmid="39000001",
        citation=RESULT["citation"],
        url="https://pubmed.ncbi.nlm.nih.gov/39000001/",
    ),
]
OVERDUE_15 = (
    "primary completion 2025-11-22 (actual), no results posted or published by 2026-11-22,"
    " after as_of 2026-11-21",
    "2026-11-22",
    None,
)
FLAGS = {
    ("liver-msc", nct(15), "RESULTS_OVERDUE"): OVERDUE_15,
    ("liver-msc", nct(11), "OUTCOME_CHANGED"): (
        "primary outcome changed on 2026-11-26, after as_of 2026-11-21",
        "2026-11-26",
        None,
    ),
    ("liver-msc", nct(14), "RESULTS_PUBLISHED"): (
        "results publication PMID 39000001 added on 2026-11-26, after as_of 2026-11-21",
        "2026-11-26",
        None,
    ),
    ("liver-msc", nct(17), "RESULTS_OVERDUE"): (
        "primary completion 2025-11-26 (actual), no results posted or published by 2026-11-26,"
        " after as_of 2026-11-21",
        "2026-11-26",
        None,
    ),
}


def _status(tracker: Tracker) -> dict[str, Any]:
    [status] = json.loads(tracker("status", "liver-msc", "--format", "json").out)
    return status


def test_changes_that_matter_give_the_documented_events_severities_and_flags(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    assert tracker("claims", "load", str(write_claims(tmp_path, LIVER_CLAIM))).status == 0
    day_one(registry)
    _sync(database_url, registry, 24)
    after_one = state(database_url)
    assert after_one["events"] == sorted(linked("liver-msc", n, WHY_LIVER) for n in range(11, 18))
    assert after_one["flags"] == {("liver-msc", nct(15), "RESULTS_OVERDUE"): OVERDUE_15}

    day_two(registry)
    _sync(database_url, registry, 27, full=True)
    after_two = state(database_url)
    assert after_two["events"] == sorted([*after_one["events"], *DAY_TWO_EVENTS])
    assert after_two["flags"] == FLAGS
    status = _status(tracker)
    assert (status["with_results"], status["with_publications"]) == (0, 1)
    assert status["evidence_level"] == "results-available"
    assert {kind: n for kind, n in status["open_flags"].items() if n} == {
        "OUTCOME_CHANGED": 1,
        "RESULTS_PUBLISHED": 1,
        "RESULTS_OVERDUE": 2,
    }

    critical, newest, overdue = readme_queries_on(database_url, 4)
    assert [row[:3] for row in critical] == [(nct(11), "outcome_changed", "2026-11-26")]
    assert [row[:2] for row in newest] == [("liver-msc", nct(n)) for n in range(11, 18)]
    assert overdue == [("liver-msc", nct(15), "2026-11-22"), ("liver-msc", nct(17), "2026-11-26")]

    history = json.loads(
        tracker("claims", "show", "liver-msc", "--history", "--format", "json").out
    )
    ranked = {(e["nct_id"], e["kind"]): e["severity"] for e in history["history"]}
    assert ranked[(nct(11), "outcome_changed")] == "critical"
    assert ranked[(nct(12), "enrollment_changed")] == "notable"
    csv_lines = tracker("claims", "show", "liver-msc", "--history", "--format", "csv").out
    assert (
        csv_lines.splitlines()[0] == "claim_id,observed_at,effective_on,severity,kind,nct_id,change"
    )
    table = " ".join(tracker("claims", "show", "liver-msc", "--history", "--wide").out.split())
    assert "critical outcome_changed NCT00000011 primary outcome reworded: “Overall" in table

    engine = connect(database_url)
    downgrade(engine, "base")
    engine.dispose()
    assert tracker("claims", "load", str(write_claims(tmp_path, LIVER_CLAIM))).status == 0
    _sync(database_url, registry, 27)
    rebuilt = state(database_url)["flags"]
    assert set(rebuilt) == set(FLAGS) - {("liver-msc", nct(11), "OUTCOME_CHANGED")}
    assert rebuilt[("liver-msc", nct(14), "RESULTS_PUBLISHED")] == (
        "results publication PMID 39000001 published 2026-11-25, after as_of 2026-11-21",
        "2026-11-25",
        None,
    )


def test_the_digest_shows_each_changed_trial_once_most_severe_first(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("TRACKER_TIMEZONE", "UTC")
    assert tracker("claims", "load", str(write_claims(tmp_path, LIVER_CLAIM))).status == 0
    day_one(registry)
    _sync(database_url, registry, 17)
    day_two(registry)
    _sync(database_url, registry, 27, full=True)

    document = json.loads(
        tracker("digest", "--week", "2026-W48", "--format", "json", "--out", "-").out
    )
    [claim] = [c for c in document["claims"] if c["claim_id"] == "liver-msc"]
    assert [
        (
            trial["nct_id"],
            trial["severity"],
            [(f["kind"], f["severity"]) for f in trial["flags"]],
            [(c["kind"], c["severity"]) for c in trial["changes"]],
        )
        for trial in claim["trials"]
    ] == [
        (nct(11), "critical", [("OUTCOME_CHANGED", "critical")], [("outcome_changed", "critical")]),
        (nct(17), "critical", [("RESULTS_OVERDUE", "critical")], []),
        (nct(15), "critical", [("RESULTS_OVERDUE", "critical")], []),
        (
            nct(14),
            "notable",
            [("RESULTS_PUBLISHED", "notable")],
            [("publication_added", "notable")],
        ),
        (nct(12), "notable", [], [("enrollment_changed", "notable")]),
        (nct(13), "notable", [], [("dates_changed", "notable")]),
    ]
    markdown = tracker("digest", "--week", "2026-W48", "--out", "-").out
    assert (
        "  - notable: enrollment 200 estimated → 100 estimated (-50 %) (2026-11-26)\n" in markdown
    )
    assert "  - notable: completion 2027-06-30 → 2028-06-30 (+366 days) (2026-11-26)\n" in markdown
    assert (
        "  - notable: results publication"
        " [PMID 39000001](https://pubmed.ncbi.nlm.nih.gov/39000001/) (2026-11-26)\n" in markdown
    )
    html = tracker("digest", "--week", "2026-W48", "--format", "html", "--out", "-").out
    assert (
        '<a href="https://pubmed.ncbi.nlm.nih.gov/39000001/" style="color:#0969da;">'
        "PMID 39000001</a>" in html
    )
    assert "<strong>RESULTS_OVERDUE</strong>" in html


def test_migrating_to_severities_ranks_the_events_already_stored(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    assert tracker("claims", "load", str(write_claims(tmp_path))).status == 0
    for day in (scenario.day_one, scenario.day_two, scenario.day_three):
        day(registry)
        assert tracker("sync").status == 0
    day_one(registry)
    assert tracker("sync", "--full").status == 0
    day_two(registry)
    assert tracker("sync", "--full").status == 0
    assert _status(tracker)["with_publications"] == 1
    before = state(database_url)
    assert {e[-1] for e in before["events"]} == {"critical", "notable", "minor"}
    engine = connect(database_url)
    downgrade(engine, "0007")
    upgrade(engine)
    engine.dispose()
    after = state(database_url)
    old_kinds = {"linked", "unmatched", "rematched", "status_changed", "results_posted"}
    assert [e for e in after["events"] if e[0] in old_kinds | {"dates_changed"}] == [
        e for e in before["events"] if e[0] in old_kinds | {"dates_changed"}
    ]
    kept = {key: flag for key, flag in before["flags"].items() if key[2] in OLD_FLAGS}
    assert after["flags"] == kept
    assert _status(tracker)["with_publications"] == 1
