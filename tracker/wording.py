"""Small helpers for text shown to people, and the one wording of a trial's changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

DateChange = tuple[str, Mapping[str, Any], Mapping[str, Any]]
"""A key date's column name, its old and its new `{"date", "type"}`."""


def plural(number: int, one: str, many: str | None = None) -> str:
    """`plural(1, "flag")` → "1 flag"; `plural(2, "study", "studies")` → "2 studies"."""
    return f"{number} {one if number == 1 else many or one + 's'}"


def status_change(old: str | None, new: str) -> str:
    """`RECRUITING → COMPLETED`."""
    return f"{old or 'no status'} → {new}"


def date_changes(changes: Iterable[DateChange]) -> str:
    """`primary completion 2027-06 → 2026-11-20; completion ...`."""
    return "; ".join(
        f"{name.removesuffix('_date').replace('_', ' ')} {old.get('date') or '?'} → "
        f"{new.get('date') or '?'}"
        for name, old, new in changes
    )


def results_posted(on: str) -> str:
    return f"results first posted {on}"


def event_change(kind: str, detail: Mapping[str, Any]) -> str:
    """A recorded event's change (its `detail`), in a few words."""
    if kind == "status_changed":
        return status_change(detail["old"], detail["new"])
    if kind == "dates_changed":
        return date_changes((name, change["old"], change["new"]) for name, change in detail.items())
    if kind == "results_posted":
        return results_posted(detail["results_first_posted"])
    return f"topic version {detail.get('topic_version')}"
