"""Flags follow the README's `as_of` rules ("The sync", Flags), judged on the registry's own
dates."""

from __future__ import annotations

from datetime import date

import pytest

from db.enums import FlagKind
from tracker.ctgov.records import PartialDate
from tracker.sync.flag_rules import StudyFacts, Transition, due_flags

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
