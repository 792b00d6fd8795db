"""Small helpers for text shown to people, and the one wording of a trial's changes
(`describe_event`: the history, the digest and the web pages all word an event so)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from db.enums import EventKind


def plural(number: int, one: str, many: str | None = None) -> str:
    """`plural(1, "flag")` → "1 flag"; `plural(2, "study", "studies")` → "2 studies"."""
    return f"{number} {one if number == 1 else many or one + 's'}"


def _outcome(outcome: Mapping[str, Any]) -> str:
    frame = f" ({outcome['time_frame']})" if outcome.get("time_frame") else ""
    return f"“{outcome.get('measure')}”{frame}"


def _outcomes(detail: Mapping[str, Any]) -> str:
    parts = [
        f"primary outcome reworded: {_outcome(c['old'])} → {_outcome(c['new'])}"
        for c in detail.get("reworded", ())
    ]
    parts += [f"primary outcome added: {_outcome(o)}" for o in detail.get("added", ())]
    parts += [f"primary outcome removed: {_outcome(o)}" for o in detail.get("removed", ())]
    return "; ".join(parts)


def _dates(detail: Mapping[str, Any]) -> str:
    parts = []
    for name, change in detail.items():
        shift = change.get("shift_days")
        moved = f" ({shift:+d} days)" if shift else ""
        old, new = change["old"], change["new"]
        types = (
            f" {new['type'].lower()}"
            if new.get("type") != old.get("type") and new.get("type")
            else ""
        )
        label = name.removesuffix("_date").replace("_", " ")
        parts.append(f"{label} {old.get('date') or '?'} → {new.get('date') or '?'}{types}{moved}")
    return "; ".join(parts)


def _enrollment(detail: Mapping[str, Any]) -> str:
    old, new = detail["old"], detail["new"]
    percent = detail.get("change_percent")
    by = f" ({percent:+g} %)" if percent else ""

    def text(side: Mapping[str, Any]) -> str:
        kind = f" {side['type'].lower()}" if side.get("type") else ""
        return f"{side.get('count') if side.get('count') is not None else '?'}{kind}"

    return f"enrollment {text(old)} → {text(new)}{by}"


def _arms(detail: Mapping[str, Any]) -> str:
    parts = []
    for key, label in (
        ("arms_added", "arm added"),
        ("arms_removed", "arm removed"),
        ("interventions_added", "intervention added"),
        ("interventions_removed", "intervention removed"),
    ):
        parts += [f"{label}: {name}" for name in detail.get(key, ())]
    return "; ".join(parts)


def _values(label: str) -> Callable[[Mapping[str, Any]], str]:
    def text(detail: Mapping[str, Any]) -> str:
        old, new = detail.get("old"), detail.get("new")
        if isinstance(old, list) or isinstance(new, list):
            old, new = "/".join(old or []) or None, "/".join(new or []) or None
        return f"{label} {old or 'none'} → {new or 'none'}"

    return text


_TEXT: dict[str, Callable[[Mapping[str, Any]], str]] = {
    EventKind.STATUS_CHANGED: _values("status"),
    EventKind.RESULTS_POSTED: lambda d: f"results first posted {d.get('results_first_posted')}",
    EventKind.DATES_CHANGED: _dates,
    EventKind.OUTCOME_CHANGED: _outcomes,
    EventKind.ENROLLMENT_CHANGED: _enrollment,
    EventKind.PHASE_CHANGED: _values("phase"),
    EventKind.SPONSOR_CHANGED: _values("lead sponsor"),
    EventKind.ARMS_CHANGED: _arms,
    EventKind.WHY_STOPPED_CHANGED: lambda d: f"why stopped: {d.get('new') or 'cleared'}",
    EventKind.PUBLICATION_ADDED: lambda d: f"results publication PMID {d['pmid']} {d['url']}",
    EventKind.LINKED: lambda d: "linked to the claim",
    EventKind.UNMATCHED: lambda d: "no longer found by the claim's search",
    EventKind.REMATCHED: lambda d: "found by the claim's search again",
}


def describe_event(kind: str, detail: Mapping[str, Any] | None) -> str:
    """What an event of `kind` with this `detail` says changed."""
    return _TEXT[kind](detail or {})
