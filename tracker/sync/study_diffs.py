"""What changed in one part of a study between its stored and fetched rows.

Each function reads the `studies` columns of both rows and returns an event's detail, or
None when that part did not change. Text is compared with its whitespace collapsed, so a
re-flowed sentence is not a change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tracker.ctgov.records import PartialDate

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
RESULT = "RESULT"


def _norm(text: Any) -> str:
    return " ".join(str(text).split()) if text is not None else ""


def _outcome_key(outcome: Mapping[str, Any]) -> tuple[str, str]:
    return _norm(outcome.get("measure")), _norm(outcome.get("time_frame"))


def _outcome(outcome: Mapping[str, Any]) -> dict[str, Any]:
    return {"measure": outcome.get("measure"), "time_frame": outcome.get("time_frame")}


def outcomes_changed(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    """Primary outcomes `added`, `removed` and `reworded` (old → new, and which of
    `measure` and `time_frame` differ). An outcome gone and one come are a rewording when
    they share a measure (the time frame moved), else paired in registry order."""
    new_keys = {_outcome_key(o) for o in new}
    old_keys = {_outcome_key(o) for o in old}
    gone = [o for o in old if _outcome_key(o) not in new_keys]
    come = [o for o in new if _outcome_key(o) not in old_keys]
    if not gone and not come:
        return None
    reworded: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    for before in list(gone):
        same = next((o for o in come if _outcome_key(o)[0] == _outcome_key(before)[0]), None)
        if same is not None:
            reworded.append((before, same))
            gone.remove(before)
            come.remove(same)
    while gone and come:
        reworded.append((gone.pop(0), come.pop(0)))
    return {
        "added": [_outcome(o) for o in come],
        "removed": [_outcome(o) for o in gone],
        "reworded": [
            {
                "old": _outcome(before),
                "new": _outcome(after),
                "what": [
                    part
                    for index, part in enumerate(("measure", "time_frame"))
                    if _outcome_key(before)[index] != _outcome_key(after)[index]
                ],
            }
            for before, after in reworded
        ],
    }


def enrollment_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any] | None:
    """Enrollment count or type (ESTIMATED → ACTUAL), with the count's change in percent."""
    before = {"count": old["enrollment"], "type": old["enrollment_type"]}
    after = {"count": new["enrollment"], "type": new["enrollment_type"]}
    if before == after:
        return None
    percent = None
    if before["count"] and after["count"] is not None:
        percent = round(100 * (after["count"] - before["count"]) / before["count"], 1)
    return {"old": before, "new": after, "change_percent": percent}


def shift_days(old: str | None, new: str | None) -> int | None:
    """How many days a key date moved (first day to first day), when both are dates."""
    before, after = PartialDate.parse(old), PartialDate.parse(new)
    if before is None or after is None:
        return None
    return (after.earliest - before.earliest).days


def value_changed(old: Any, new: Any) -> dict[str, Any] | None:
    """A single value (phases, lead sponsor) as old → new."""
    return None if old == new else {"old": old, "new": new}


def why_stopped_changed(old: str | None, new: str | None) -> dict[str, Any] | None:
    """The `whyStopped` reason set, changed or cleared."""
    return None if _norm(old) == _norm(new) else {"old": old, "new": new}


def _added_removed(old: Sequence[str], new: Sequence[str]) -> tuple[list[str], list[str]]:
    before, after = {_norm(v).casefold() for v in old}, {_norm(v).casefold() for v in new}
    added = [v for v in new if _norm(v).casefold() not in before]
    removed = [v for v in old if _norm(v).casefold() not in after]
    return added, removed


def arms_changed(
    old: Mapping[str, Any], new: Mapping[str, Any], *, with_arms: bool
) -> dict[str, Any] | None:
    """Arms (by label) and interventions (by name) added or removed. `with_arms` is false
    when the stored row predates arm groups being kept: only interventions compare."""
    detail: dict[str, Any] = {}
    if with_arms:
        arms = _added_removed(
            [a["label"] for a in old["arm_groups"]], [a["label"] for a in new["arm_groups"]]
        )
        detail.update(arms_added=arms[0], arms_removed=arms[1])
    interventions = _added_removed(
        [i["name"] for i in old["interventions"]], [i["name"] for i in new["interventions"]]
    )
    detail.update(interventions_added=interventions[0], interventions_removed=interventions[1])
    return detail if any(detail.values()) else None


def is_pmid(value: Any) -> bool:
    """A PubMed id: digits only (anything else cannot make a PubMed link)."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def result_pmids(references: Sequence[Mapping[str, Any]]) -> list[str]:
    """PMIDs of a study's results publications (references of type RESULT), in order."""
    found: list[str] = []
    for ref in references:
        if ref.get("type") == RESULT and is_pmid(ref.get("pmid")) and ref["pmid"] not in found:
            found.append(ref["pmid"])
    return found


def publications_added(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One detail per results publication in `new` that `old` lacks."""
    known = set(result_pmids(old))
    citations = {ref.get("pmid"): ref.get("citation") for ref in new}
    return [
        {"pmid": pmid, "citation": citations.get(pmid), "url": PUBMED_URL.format(pmid=pmid)}
        for pmid in result_pmids(new)
        if pmid not in known
    ]
