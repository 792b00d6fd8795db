"""Why a study matched, and which changes between two versions of a study are events."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from ctgov_builders import make_study, nct

from claims.spec import Topic
from tracker.ctgov import parse_study
from tracker.sync.matching import TopicMatcher
from tracker.sync.plan import full_sync_due
from tracker.sync.study_rows import changes, study_row

TOPIC = Topic(
    conditions=("hepatocellular carcinoma", "liver cancer"),
    interventions=("mesenchymal stem cells", "MSC"),
    terms=("survival",),
)


def test_matched_on_lists_the_topic_phrases_found_in_the_study() -> None:
    study = parse_study(
        make_study(
            nct(1),
            title="Overall Survival After MSC Infusion",
            conditions=["Carcinoma, Hepatocellular", "Hepatocellular Carcinoma"],
            interventions=[("BIOLOGICAL", "Mesenchymal Stem Cell", ["umbilical cord MSC"])],
        )
    )
    assert TopicMatcher(TOPIC).matched_on(study) == {
        "conditions": ["hepatocellular carcinoma"],
        "interventions": ["mesenchymal stem cells", "MSC"],
        "terms": ["survival"],
    }


def test_a_study_found_only_through_registry_synonyms_matched_on_nothing() -> None:
    study = parse_study(make_study(nct(2), conditions=["HCC"], interventions=["Stromal cells"]))
    assert TopicMatcher(TOPIC).matched_on(study) == {
        "conditions": [],
        "interventions": [],
        "terms": [],
    }


def test_phrases_match_whole_words_only() -> None:
    study = parse_study(make_study(nct(3), conditions=["Deliver cancer"], interventions=["MSCX"]))
    assert TopicMatcher(TOPIC).matched_on(study)["conditions"] == []
    assert TopicMatcher(TOPIC).matched_on(study)["interventions"] == []


def _row(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "status": "RECRUITING",
        "completion": ("2027-01", "ESTIMATED"),
        "first_posted": "2024-01-01",
        "last_update": "2025-01-01",
    }
    return study_row(parse_study(make_study(nct(4), **{**base, **changes})))


def test_a_new_last_update_alone_is_a_different_row_but_no_event() -> None:
    old, new = _row(), _row(last_update="2026-11-25")
    assert old["record_hash"] != new["record_hash"]
    assert changes(old, new) == []


def test_status_results_and_key_dates_are_events() -> None:
    old = _row()
    new = _row(
        status="COMPLETED",
        completion="2026-11-20",
        results_first_posted="2026-11-25",
        last_update="2026-11-25",
    )
    assert [(c.kind.value, c.detail) for c in changes(old, new)] == [
        ("status_changed", {"old": "RECRUITING", "new": "COMPLETED"}),
        ("results_posted", {"results_first_posted": "2026-11-25"}),
        (
            "dates_changed",
            {
                "completion_date": {
                    "old": {"date": "2027-01", "type": "ESTIMATED"},
                    "new": {"date": "2026-11-20", "type": "ACTUAL"},
                    "shift_days": -42,
                }
            },
        ),
    ]


def test_study_row_keeps_partial_dates_and_ranks_the_highest_phase() -> None:
    row = _row(phases=["PHASE1", "PHASE2"], start="2025-03")
    assert (row["start_date"], row["start_date_type"]) == ("2025-03", "ACTUAL")
    assert (row["phases"], row["phase_rank"]) == (["PHASE1", "PHASE2"], 3)


def test_periodic_full_syncs_take_turns_one_night_each_per_cycle() -> None:
    claims = [f"claim-{n}" for n in range(70)]
    start = date(2026, 11, 1)

    first_due = {
        claim: next(
            day
            for day in range(1, 8)
            if full_sync_due(claim, start, start + timedelta(days=day), every=7)
        )
        for claim in claims
    }

    assert len(set(first_due.values())) == 7
    assert max(Counter(first_due.values()).values()) < len(claims) / 3


def test_a_full_sync_missed_on_its_night_is_due_once_a_cycle_has_passed() -> None:
    last = date(2026, 11, 1)

    assert full_sync_due("any", last, last + timedelta(days=7), every=7)
    assert not full_sync_due("any", last, last, every=7)
    assert not full_sync_due("any", last, last + timedelta(days=400), every=0)
