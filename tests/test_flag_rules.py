"""Flags follow the README's `as_of` rules ("The sync", Flags), judged on the registry's own
dates."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from db.enums import FlagKind
from tracker.ctgov.parse import parse_study
from tracker.ctgov.records import PartialDate
from tracker.sync.flag_rules import (
    Seen,
    StudyFacts,
    Transition,
    citation_date,
    due_flags,
    overdue_on,
)

AS_OF = date(2026, 11, 21)


def facts(
    status: str = "RECRUITING",
    *,
    first_posted: str | None = "2020-01-10",
    results: str | None = None,
    completion: str | None = None,
    completion_type: str | None = "ESTIMATED",
    last_update: str | None = "2020-02-01",
) -> StudyFacts:
    return StudyFacts(
        overall_status=status,
        first_posted=PartialDate.parse(first_posted),
        results_first_posted=PartialDate.parse(results),
        completion=PartialDate.parse(completion),
        completion_type=completion_type,
        last_update_posted=PartialDate.parse(last_update),
    )


def moved(old: str, new: str, on: str | None) -> Transition:
    return Transition(old, new, PartialDate.parse(on))


def test_an_old_recruiting_trial_raises_nothing() -> None:
    assert due_flags(facts(), AS_OF) == {}


@pytest.mark.parametrize(
    ("first_posted", "flagged"),
    [
        ("2026-11-22", True),
        ("2026-11-21", False),
        ("2026-11", True),
        ("2026-10", False),
        ("2026", True),
    ],
)
def test_new_trial_when_first_posted_may_be_after_as_of(first_posted: str, flagged: bool) -> None:
    due = due_flags(facts(first_posted=first_posted), AS_OF)
    assert (FlagKind.NEW_TRIAL in due) is flagged


def test_new_trial_reason_and_date_come_from_the_registry() -> None:
    due = due_flags(facts(first_posted="2026-12-01"), AS_OF)[FlagKind.NEW_TRIAL]
    assert due.reason == "first posted 2026-12-01, after as_of 2026-11-21"
    assert due.on == PartialDate.parse("2026-12-01")


def test_results_posted_after_as_of() -> None:
    assert FlagKind.RESULTS_POSTED in due_flags(facts("COMPLETED", results="2026-12-03"), AS_OF)
    assert FlagKind.RESULTS_POSTED not in due_flags(facts("COMPLETED", results="2025-01-03"), AS_OF)


def test_first_seen_completed_with_completion_after_as_of() -> None:
    due = due_flags(facts("COMPLETED", completion="2026-11-30", completion_type="ACTUAL"), AS_OF)
    assert due[FlagKind.TRIAL_COMPLETED].reason == "completed 2026-11-30, after as_of 2026-11-21"


def test_first_seen_completed_long_ago_is_not_news() -> None:
    assert due_flags(facts("COMPLETED", completion="2019-05"), AS_OF) == {}


def test_observed_transition_to_completed_after_as_of_flags_even_an_old_completion_date() -> None:
    study = facts("COMPLETED", completion="2025-06", last_update="2026-12-02")
    due = due_flags(study, AS_OF, [moved("ACTIVE_NOT_RECRUITING", "COMPLETED", "2026-12-02")])
    assert (
        due[FlagKind.TRIAL_COMPLETED].reason
        == "status ACTIVE_NOT_RECRUITING → COMPLETED on 2026-12-02"
    )


def test_transition_dated_before_as_of_does_not_count() -> None:
    study = facts("COMPLETED", completion="2025-06")
    assert due_flags(study, AS_OF, [moved("RECRUITING", "COMPLETED", "2025-07-01")]) == {}


def test_completed_flag_needs_the_study_to_be_completed_now() -> None:
    study = facts("TERMINATED", completion="2026-12-01", completion_type="ACTUAL")
    due = due_flags(study, AS_OF, [moved("RECRUITING", "COMPLETED", "2026-11-25")])
    assert FlagKind.TRIAL_COMPLETED not in due
    assert FlagKind.TRIAL_STOPPED in due


@pytest.mark.parametrize("status", ["TERMINATED", "WITHDRAWN", "SUSPENDED"])
def test_observed_move_to_a_stopped_status_after_as_of(status: str) -> None:
    due = due_flags(facts(status), AS_OF, [moved("RECRUITING", status, "2026-11-28")])
    assert due[FlagKind.TRIAL_STOPPED].reason == f"status RECRUITING → {status} on 2026-11-28"


def test_first_seen_stopped_is_dated_by_its_actual_end() -> None:
    stopped_late = facts(
        "TERMINATED", completion="2026-12", completion_type="ACTUAL", last_update="2026-12-05"
    )
    assert due_flags(stopped_late, AS_OF)[FlagKind.TRIAL_STOPPED].on == PartialDate.parse("2026-12")
    stopped_early = facts(
        "TERMINATED", completion="2024-03", completion_type="ACTUAL", last_update="2026-12-05"
    )
    assert due_flags(stopped_early, AS_OF) == {}


def test_first_seen_suspended_without_an_end_is_dated_by_its_last_update() -> None:
    assert FlagKind.TRIAL_STOPPED in due_flags(facts("SUSPENDED", last_update="2026-11-25"), AS_OF)
    assert due_flags(facts("SUSPENDED", last_update="2026-11-01"), AS_OF) == {}


def test_missing_dates_raise_nothing() -> None:
    bare = StudyFacts(None, None, None, None, None, None)
    assert due_flags(bare, AS_OF) == {}
    assert due_flags(facts("COMPLETED", first_posted=None, completion=None), AS_OF) == {}


SAMPLES = Path(__file__).parent / "data" / "ctgov"
TODAY = date(2026, 12, 1)


def sample(nct_id: str) -> StudyFacts:
    return StudyFacts.from_record(parse_study(json.loads((SAMPLES / f"{nct_id}.json").read_text())))


@pytest.mark.parametrize(
    ("nct_id", "due"),
    [
        ("NCT03418623", "2021-03-13"),  # COMPLETED, no results, only BACKGROUND references
        ("NCT04207047", "2019-10-31"),  # UNKNOWN status, actual primary completion
        ("NCT03630471", "2020-01-20"),
        ("NCT02552212", None),  # results posted, and RESULT references
        ("NCT03475563", None),  # RESULT references; primary completion only estimated
        ("NCT00973089", None),  # withdrawn: nobody enrolled, no results to post
        ("NCT06171568", None),  # not yet recruiting
    ],
)
def test_results_are_due_a_year_after_an_actual_primary_completion(
    nct_id: str, due: str | None
) -> None:
    on = overdue_on(sample(nct_id))
    assert (on.text if on else None) == due


def test_results_long_overdue_before_as_of_are_not_news() -> None:
    assert FlagKind.RESULTS_OVERDUE not in due_flags(sample("NCT03418623"), AS_OF, today=TODAY)


def test_results_overdue_after_as_of_once_the_year_has_passed() -> None:
    study = replace(sample("NCT03418623"), primary_completion=PartialDate.parse("2025-11-25"))
    assert FlagKind.RESULTS_OVERDUE not in due_flags(study, AS_OF, today=date(2026, 11, 25))
    due = due_flags(study, AS_OF, today=date(2026, 11, 26))[FlagKind.RESULTS_OVERDUE]
    assert (due.on.text if due.on else None) == "2026-11-25"
    assert due.reason == (
        "primary completion 2025-11-25 (actual), no results posted or published by"
        " 2026-11-25, after as_of 2026-11-21"
    )
    month = replace(study, primary_completion=PartialDate.parse("2025-11"))
    assert FlagKind.RESULTS_OVERDUE not in due_flags(month, AS_OF, today=date(2026, 11, 30))
    assert FlagKind.RESULTS_OVERDUE in due_flags(month, AS_OF, today=date(2026, 12, 1))


def test_citation_dates_are_read_from_pubmed_citations() -> None:
    study = sample("NCT03475563")
    assert [(pmid, str(citation_date(text))) for pmid, text in study.publications] == [
        ("25828372", "2015-05"),
        ("25689548", "2015-02"),
        ("26465375", "2016-11-20"),
    ]


def test_results_published_first_seen_is_dated_by_its_citation() -> None:
    assert FlagKind.RESULTS_PUBLISHED not in due_flags(sample("NCT02552212"), date(2022, 9, 30))
    due = due_flags(sample("NCT02552212"), date(2022, 2, 1))[FlagKind.RESULTS_PUBLISHED]
    assert (
        due.reason == "results publication PMID 35296532 published 2022-03, after as_of 2022-02-01"
    )


def test_results_published_when_the_tracker_saw_the_reference_added_after_as_of() -> None:
    seen = Seen(publications=(("35733363", PartialDate.parse("2026-11-26")),))
    due = due_flags(sample("NCT02552212"), AS_OF, seen=seen)[FlagKind.RESULTS_PUBLISHED]
    assert (
        due.reason
        == "results publication PMID 35733363 added on 2026-11-26, after as_of 2026-11-21"
    )
    before = Seen(publications=(("35733363", PartialDate.parse("2026-11-20")),))
    assert FlagKind.RESULTS_PUBLISHED not in due_flags(sample("NCT02552212"), AS_OF, seen=before)


def test_outcome_changed_needs_a_change_the_tracker_saw_after_as_of() -> None:
    study = sample("NCT02552212")
    assert FlagKind.OUTCOME_CHANGED not in due_flags(study, AS_OF)
    earlier = Seen(outcome_changes=(PartialDate.parse("2026-10-01"),))
    assert FlagKind.OUTCOME_CHANGED not in due_flags(study, AS_OF, seen=earlier)
    later = Seen(outcome_changes=(PartialDate.parse("2026-10-01"), PartialDate.parse("2026-11")))
    due = due_flags(study, AS_OF, seen=later)[FlagKind.OUTCOME_CHANGED]
    assert due.reason == "primary outcome changed on 2026-11, after as_of 2026-11-21"
