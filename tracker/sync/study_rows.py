"""A fetched study as a `studies` row, and what changed since the stored one."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from db.enums import PHASE_RANK, EventKind
from tracker.ctgov.records import Design, Mesh, PartialDate, Reference, StudyDate, StudyRecord
from tracker.sync import study_diffs
from tracker.sync.storable import storable

KEY_DATES = ("start_date", "primary_completion_date", "completion_date")
COMPARED = (
    "record_hash",
    "fields_version",
    "overall_status",
    "results_first_posted",
    "has_results",
    *KEY_DATES,
    *(f"{key}_type" for key in KEY_DATES),
    "why_stopped",
    "phases",
    "lead_sponsor",
    "enrollment",
    "enrollment_type",
    "interventions",
    "arm_groups",
    "primary_outcomes",
    "study_references",
)
"""The columns change detection reads of a stored study."""

FIELDS_VERSION = 1
"""Stored in `studies.fields_version`, and part of every record hash: bump it whenever
what a record keeps, or how a study's JSON is read into it, changes, so that every
stored row is rebuilt once. A row stored before arm groups, primary outcomes
and references were kept (version 0) has them empty, not absent from the registry: they
are not compared until the row has been rewritten once (the version is in the hash, so
the next fetch rewrites it)."""


def _text(value: PartialDate | None) -> str | None:
    return value.text if value is not None else None


def _key_date(value: StudyDate | None) -> tuple[str | None, str | None]:
    return (value.date.text, value.type) if value is not None else (None, None)


def _fields(value: Design | Reference) -> dict[str, Any]:
    """A flat record's fields by name (what `dataclasses.asdict` gives, at a tenth the cost)."""
    return {name: getattr(value, name) for name in value.__slots__}


def _mesh(mesh: Mesh) -> dict[str, list[str]]:
    return {"terms": list(mesh.terms), "ancestors": list(mesh.ancestors)}


def record_hash(record: StudyRecord) -> str | None:
    """The `studies.record_hash` a record will be stored with, when it can be told before
    its row is built: from the hash of the JSON the registry sent (`source_hash`) and the
    fields version. A study fetched with the hash it is stored with is unchanged and
    needs no row; None for a record read the tolerant way (its row gives the hash)."""
    if record.source_hash is None:
        return None
    return hashlib.sha256(f"{FIELDS_VERSION} {record.source_hash}".encode()).hexdigest()


def study_row(record: StudyRecord, fingerprint: str | None = None) -> dict[str, Any]:
    """The `studies` columns for a record, with its `record_hash` (`fingerprint`, when
    the caller has it already).

    Raises `tracker.sync.storable.Unstorable` for a record no database of ours can hold."""
    ranks = [PHASE_RANK[phase] for phase in record.phases if phase in PHASE_RANK]
    row: dict[str, Any] = {
        "nct_id": record.nct_id,
        "brief_title": record.brief_title,
        "official_title": record.official_title,
        "acronym": record.acronym,
        "overall_status": record.overall_status,
        "last_known_status": record.last_known_status,
        "why_stopped": record.why_stopped,
        "phases": list(record.phases),
        "phase_rank": max(ranks) if ranks else None,
        "study_type": record.study_type,
        "conditions": list(record.conditions),
        "keywords": list(record.keywords),
        "interventions": [
            {
                "type": i.type,
                "name": i.name,
                "other_names": list(i.other_names),
                "arm_labels": list(i.arm_labels),
            }
            for i in record.interventions
        ],
        "brief_summary": record.brief_summary,
        "arm_groups": [
            {
                "label": arm.label,
                "type": arm.type,
                "description": arm.description,
                "intervention_names": list(arm.intervention_names),
            }
            for arm in record.arm_groups
        ],
        "primary_outcomes": [
            {"measure": o.measure, "time_frame": o.time_frame} for o in record.primary_outcomes
        ],
        "design": _fields(record.design),
        "mesh": {
            "conditions": _mesh(record.condition_mesh),
            "interventions": _mesh(record.intervention_mesh),
        },
        "study_references": [_fields(ref) for ref in record.references],
        "lead_sponsor": record.lead_sponsor,
        "enrollment": record.enrollment,
        "enrollment_type": record.enrollment_type,
        "first_posted": _text(record.first_posted),
        "results_first_posted": _text(record.results_first_posted),
        "last_update_posted": _text(record.last_update_posted),
        "status_verified_date": _text(record.status_verified),
        "nct_id_aliases": sorted(record.aliases),
        "has_results": record.has_results,
        "fields_version": FIELDS_VERSION,
    }
    for column, value in zip(
        KEY_DATES, (record.start, record.primary_completion, record.completion), strict=True
    ):
        row[column], row[f"{column}_type"] = _key_date(value)
    row = storable(row)
    if fingerprint is None:
        fingerprint = record_hash(record) or _row_hash(row)
    row["record_hash"] = fingerprint
    row["has_publication"] = bool(study_diffs.result_pmids(row["study_references"]))
    return row


def _row_hash(row: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(row, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class Change:
    """A change between two versions of a study, as an event's kind and detail."""

    kind: EventKind
    detail: dict[str, Any]


def _dates_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for column in KEY_DATES:
        before = {"date": old[column], "type": old[f"{column}_type"]}
        after = {"date": new[column], "type": new[f"{column}_type"]}
        if before != after:
            changed[column] = {
                "old": before,
                "new": after,
                "shift_days": study_diffs.shift_days(old[column], new[column]),
            }
    return changed


def _study_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Changes of what the registry says the study is: phase, sponsor, size, arms."""
    found: list[Change] = []
    kept = (old["fields_version"] or 0) >= FIELDS_VERSION
    details = (
        (EventKind.ENROLLMENT_CHANGED, study_diffs.enrollment_changed(old, new)),
        (EventKind.PHASE_CHANGED, study_diffs.value_changed(old["phases"], new["phases"])),
        (
            EventKind.SPONSOR_CHANGED,
            study_diffs.value_changed(old["lead_sponsor"], new["lead_sponsor"]),
        ),
        (EventKind.ARMS_CHANGED, study_diffs.arms_changed(old, new, with_arms=kept)),
        (
            EventKind.WHY_STOPPED_CHANGED,
            study_diffs.why_stopped_changed(old["why_stopped"], new["why_stopped"]),
        ),
    )
    found += [Change(kind, detail) for kind, detail in details if detail is not None]
    if kept:
        outcomes = study_diffs.outcomes_changed(old["primary_outcomes"], new["primary_outcomes"])
        if outcomes is not None:
            found.append(Change(EventKind.OUTCOME_CHANGED, outcomes))
        found += [
            Change(EventKind.PUBLICATION_ADDED, detail)
            for detail in study_diffs.publications_added(
                old["study_references"], new["study_references"]
            )
        ]
    return found


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """What a sync reports between the stored study `old` and the fetched one `new`."""
    found: list[Change] = []
    if old["overall_status"] != new["overall_status"]:
        found.append(
            Change(
                EventKind.STATUS_CHANGED,
                {"old": old["overall_status"], "new": new["overall_status"]},
            )
        )
    results_before = old["has_results"] or old["results_first_posted"] is not None
    results_now = new["has_results"] or new["results_first_posted"] is not None
    if results_now and not results_before:
        found.append(
            Change(EventKind.RESULTS_POSTED, {"results_first_posted": new["results_first_posted"]})
        )
    if dates := _dates_changed(old, new):
        found.append(Change(EventKind.DATES_CHANGED, dates))
    return found + _study_changes(old, new)
