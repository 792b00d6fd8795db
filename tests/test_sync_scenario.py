"""`tracker sync` over several registry days: the exact links, events and flags it leaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Tracker
from ctgov_builders import make_study, nct
from sync_helpers import AML, LIVER, MYELOMA, state, write_claims

from tracker.ctgov.fake import FakeCtgov, Fault

WHY_LIVER = {
    "conditions": ["hepatocellular carcinoma"],
    "interventions": ["mesenchymal stem cells"],
    "terms": [],
}
WHY_MYELOMA = {
    "conditions": ["multiple myeloma"],
    "interventions": ["autologous stem cell transplantation"],
    "terms": [],
}
WHY_AML = {
    "conditions": ["acute myeloid leukemia"],
    "interventions": ["allogeneic stem cell transplantation"],
    "terms": [],
}
SHARED = {
    "conditions": ["Multiple Myeloma", "Acute Myeloid Leukemia"],
    "interventions": [
        ("PROCEDURE", "Autologous Stem Cell Transplantation"),
        ("PROCEDURE", "Allogeneic Stem Cell Transplantation"),
    ],
}


def event(
    kind: str, n: int, claim: str = "", on: str = "", severity: str = "minor", **detail: Any
) -> tuple[str, ...]:
    return (kind, nct(n), claim, on, json.dumps(detail, sort_keys=True), severity)


def linked(claim: str, n: int, why: dict[str, Any]) -> tuple[str, ...]:
    return event("linked", n, claim, topic_version=1, matched_on=why)


def day_one(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-24T09:00:00")
    for study in (
        make_study(
            nct(1),
            **LIVER,
            first_posted="2025-01-10",
            last_update="2025-06-01",
            completion=("2027-06", "ESTIMATED"),
        ),
        make_study(nct(2), **LIVER, status="NOT_YET_RECRUITING", first_posted="2026-11-23"),
        make_study(
            nct(3),
            **MYELOMA,
            status="COMPLETED",
            first_posted="2019-03-01",
            completion="2024-02-01",
            last_update="2024-05-01",
        ),
        make_study(nct(4), **SHARED, first_posted="2023-05-05", last_update="2025-01-01"),
        make_study(
            nct(5),
            **AML,
            status="ACTIVE_NOT_RECRUITING",
            first_posted="2022-01-01",
            completion=("2027-01", "ESTIMATED"),
            last_update="2025-02-02",
        ),
        make_study(nct(9), conditions=["Asthma"], interventions=["Dupilumab"]),
    ):
        registry.put_study(study)


def day_two(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-25T09:00:00")
    registry.put_study(
        make_study(
            nct(1),
            **LIVER,
            status="COMPLETED",
            first_posted="2025-01-10",
            completion="2026-11-20",
            last_update="2026-11-25",
        )
    )
    registry.put_study(
        make_study(
            nct(5),
            **AML,
            status="TERMINATED",
            why_stopped="Sponsor decision",
            first_posted="2022-01-01",
            completion="2026-11-24",
            last_update="2026-11-25",
        )
    )
    registry.put_study(make_study(nct(6), **LIVER, first_posted="2026-11-25"))
    registry.inject(Fault.too_many_requests(retry_after=0), times=2)
    registry.inject(Fault.unavailable(retry_after=0))


def day_three(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-26T09:00:00")
    registry.put_study(
        make_study(
            nct(3),
            **MYELOMA,
            status="COMPLETED",
            first_posted="2019-03-01",
            completion="2024-02-01",
            results_first_posted="2026-11-26",
        )
    )
    registry.put_study(
        make_study(
            nct(4),
            **SHARED,
            status="SUSPENDED",
            first_posted="2023-05-05",
            last_update="2026-11-26",
        )
    )


def day_four(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-27T09:00:00")
    registry.put_study(
        make_study(
            nct(2),
            conditions=["Cholangiocarcinoma"],
            interventions=LIVER["interventions"],
            status="RECRUITING",
            first_posted="2026-11-23",
            last_update="2026-11-27",
        )
    )


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
