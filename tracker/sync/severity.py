"""How much a change matters to the evidence: README's severity table, as pure functions.

Every event and every flag gets `critical`, `notable` or `minor` from its kind and detail
alone, so the same change is ranked the same whenever and wherever it is seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from db.enums import SEVERITY_RANK, EventKind, FlagKind, Severity

STOPPED = frozenset({"TERMINATED", "WITHDRAWN", "SUSPENDED"})
ENROLLMENT_PERCENT = 20
"""An enrollment change of at least this share of the old count is notable."""
SHIFT_DAYS = 90
"""A key date moved by at least this many days is notable."""

SAFETY = re.compile(
    r"\b(safety|unsafe|adverse|toxicit\w*|toxic|deaths?|died|fatal\w*|harm\w*|"
    r"side[- ]effects?|saes?|dsmb)\b",
    re.IGNORECASE,
)
"""Words in a `whyStopped` reason that say the trial stopped over harm to its patients."""

FLAG_SEVERITY: dict[str, Severity] = {
    FlagKind.TRIAL_STOPPED: Severity.CRITICAL,
    FlagKind.OUTCOME_CHANGED: Severity.CRITICAL,
    FlagKind.RESULTS_OVERDUE: Severity.CRITICAL,
    FlagKind.NEW_TRIAL: Severity.NOTABLE,
    FlagKind.TRIAL_COMPLETED: Severity.NOTABLE,
    FlagKind.RESULTS_POSTED: Severity.NOTABLE,
    FlagKind.RESULTS_PUBLISHED: Severity.NOTABLE,
}


def _status(detail: Mapping[str, Any]) -> Severity:
    if detail.get("new") in STOPPED:
        return Severity.CRITICAL
    return Severity.NOTABLE if detail.get("new") == "COMPLETED" else Severity.MINOR


def _why_stopped(detail: Mapping[str, Any]) -> Severity:
    reason = detail.get("new")
    if reason and SAFETY.search(reason):
        return Severity.CRITICAL
    return Severity.NOTABLE if reason else Severity.MINOR


def _outcome(detail: Mapping[str, Any]) -> Severity:
    rewritten = any("measure" in change["what"] for change in detail.get("reworded", ()))
    if rewritten or detail.get("removed"):
        return Severity.CRITICAL
    return Severity.NOTABLE


def _enrollment(detail: Mapping[str, Any]) -> Severity:
    percent = detail.get("change_percent")
    if percent is not None and abs(percent) >= ENROLLMENT_PERCENT:
        return Severity.NOTABLE
    if detail["old"]["count"] is None and detail["new"]["count"] is not None:
        return Severity.NOTABLE
    return Severity.MINOR


def _dates(detail: Mapping[str, Any]) -> Severity:
    shifts = [abs(change.get("shift_days") or 0) for change in detail.values()]
    return Severity.NOTABLE if max(shifts, default=0) >= SHIFT_DAYS else Severity.MINOR


_RULES = {
    EventKind.STATUS_CHANGED: _status,
    EventKind.WHY_STOPPED_CHANGED: _why_stopped,
    EventKind.OUTCOME_CHANGED: _outcome,
    EventKind.ENROLLMENT_CHANGED: _enrollment,
    EventKind.DATES_CHANGED: _dates,
}
_FIXED = {
    EventKind.RESULTS_POSTED: Severity.NOTABLE,
    EventKind.PUBLICATION_ADDED: Severity.NOTABLE,
    EventKind.PHASE_CHANGED: Severity.NOTABLE,
    EventKind.SPONSOR_CHANGED: Severity.NOTABLE,
    EventKind.ARMS_CHANGED: Severity.NOTABLE,
}


def event_severity(kind: str, detail: Mapping[str, Any]) -> Severity:
    """The severity of an event of `kind` with this `detail` (README: "Severity")."""
    if (rule := _RULES.get(EventKind(kind))) is not None:
        return rule(detail)
    return _FIXED.get(EventKind(kind), Severity.MINOR)


def flag_severity(kind: str) -> Severity:
    """The severity of a flag of `kind`."""
    return FLAG_SEVERITY[kind]


def highest(severities: Iterable[str]) -> Severity:
    """The most severe of these (minor when there are none)."""
    return Severity(max(severities, key=SEVERITY_RANK.__getitem__, default=Severity.MINOR))


def at_least(severity: str, floor: str) -> bool:
    """True when `severity` is `floor` or more severe."""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[floor]
