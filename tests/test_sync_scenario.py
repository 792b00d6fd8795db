"""`tracker sync` over several registry days: the exact links, events and flags it leaves."""

from __future__ import annotations

from pathlib import Path

from conftest import Tracker
from ctgov_builders import nct
from scenarios import (
    WHY_AML,
    WHY_LIVER,
    WHY_MYELOMA,
    day_four,
    day_one,
    day_three,
    day_two,
    event,
    linked,
    write_claims,
)
from sync_helpers import state

from tracker.fake_registry import FakeCtgov

DAY_ONE_LINKS = {
    ("liver-msc", nct(1)): (True, 1, WHY_LIVER),
    ("liver-msc", nct(2)): (True, 1, WHY_LIVER),
    ("myeloma-asct", nct(3)): (True, 1, WHY_MYELOMA),
    ("myeloma-asct", nct(4)): (True, 1, WHY_MYELOMA),
    ("aml-allo", nct(4)): (True, 1, WHY_AML),
    ("aml-allo", nct(5)): (True, 1, WHY_AML),
}
DAY_ONE_EVENTS = [
    linked("liver-msc", 1, WHY_LIVER),
    linked("liver-msc", 2, WHY_LIVER),
    linked("myeloma-asct", 3, WHY_MYELOMA),
    linked("myeloma-asct", 4, WHY_MYELOMA),
    linked("aml-allo", 4, WHY_AML),
    linked("aml-allo", 5, WHY_AML),
]
NEW_2 = ("first posted 2026-11-23, after as_of 2026-11-21", "2026-11-23", None)


def test_sync_over_several_registry_days(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    assert tracker("claims", "load", str(write_claims(tmp_path))).status == 0

    day_one(registry)
    first = tracker("sync")
    assert first.status == 0, first.err
    after_one = state(database_url)
    assert set(after_one["studies"]) == {nct(i) for i in (1, 2, 3, 4, 5)}
    assert after_one["links"] == DAY_ONE_LINKS
    assert after_one["events"] == sorted(DAY_ONE_EVENTS)
    assert after_one["flags"] == {("liver-msc", nct(2), "NEW_TRIAL"): NEW_2}

    day_two(registry)
    second = tracker("sync")
    assert second.status == 0, second.err
    after_two = state(database_url)
    assert after_two["links"] == {**DAY_ONE_LINKS, ("liver-msc", nct(6)): (True, 1, WHY_LIVER)}
    assert after_two["events"] == sorted(
        [
            *DAY_ONE_EVENTS,
            linked("liver-msc", 6, WHY_LIVER),
            event(
                "status_changed",
                1,
                on="2026-11-25",
                severity="notable",
                old="RECRUITING",
                new="COMPLETED",
            ),
            event(
                "dates_changed",
                1,
                on="2026-11-25",
                severity="notable",
                completion_date={
                    "old": {"date": "2027-06", "type": "ESTIMATED"},
                    "new": {"date": "2026-11-20", "type": "ACTUAL"},
                    "shift_days": -193,
                },
            ),
            event(
                "status_changed",
                5,
                on="2026-11-25",
                severity="critical",
                old="ACTIVE_NOT_RECRUITING",
                new="TERMINATED",
            ),
            event(
                "why_stopped_changed",
                5,
                on="2026-11-25",
                severity="notable",
                old=None,
                new="Sponsor decision",
            ),
            event(
                "dates_changed",
                5,
                on="2026-11-25",
                completion_date={
                    "old": {"date": "2027-01", "type": "ESTIMATED"},
                    "new": {"date": "2026-11-24", "type": "ACTUAL"},
                    "shift_days": -38,
                },
            ),
        ]
    )
    assert after_two["flags"] == {
        ("liver-msc", nct(2), "NEW_TRIAL"): NEW_2,
        ("liver-msc", nct(1), "TRIAL_COMPLETED"): (
            "status RECRUITING → COMPLETED on 2026-11-25",
            "2026-11-25",
            None,
        ),
        ("liver-msc", nct(6), "NEW_TRIAL"): (
            "first posted 2026-11-25, after as_of 2026-11-21",
            "2026-11-25",
            None,
        ),
        ("aml-allo", nct(5), "TRIAL_STOPPED"): (
            "status ACTIVE_NOT_RECRUITING → TERMINATED on 2026-11-25",
            "2026-11-25",
            None,
        ),
    }

    day_three(registry)
    assert tracker("sync").status == 0
    after_three = state(database_url)
    assert after_three["events"] == sorted(
        [
            *after_two["events"],
            event(
                "results_posted",
                3,
                on="2026-11-26",
                severity="notable",
                results_first_posted="2026-11-26",
            ),
            event(
                "status_changed",
                4,
                on="2026-11-26",
                severity="critical",
                old="RECRUITING",
                new="SUSPENDED",
            ),
        ]
    )
    suspended = ("status RECRUITING → SUSPENDED on 2026-11-26", "2026-11-26", None)
    assert after_three["flags"] == {
        **after_two["flags"],
        ("myeloma-asct", nct(3), "RESULTS_POSTED"): (
            "results first posted 2026-11-26, after as_of 2026-11-21",
            "2026-11-26",
            None,
        ),
        ("myeloma-asct", nct(4), "TRIAL_STOPPED"): suspended,
        ("aml-allo", nct(4), "TRIAL_STOPPED"): suspended,
    }

    day_four(registry)
    assert tracker("sync").status == 0
    assert state(database_url) == after_three
    assert tracker("sync", "--full").status == 0
    after_four = state(database_url)
    assert after_four["links"][("liver-msc", nct(2))] == (False, 1, WHY_LIVER)
    assert after_four["events"] == sorted(
        [*after_three["events"], event("unmatched", 2, "liver-msc", topic_version=1)]
    )
    assert after_four["flags"] == after_three["flags"]

    asked = len(registry.requests)
    quiet = tracker("sync", "--quiet")
    assert (quiet.status, quiet.out, quiet.err) == (0, "", "")
    assert registry.requests[asked:] == [("/version", {})]
    assert state(database_url) == after_four
