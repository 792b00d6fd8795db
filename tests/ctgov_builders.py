"""Builders for ClinicalTrials.gov API v2 study objects, in the real v2 shape.

`make_study` returns what `/studies/{nctId}` returns (and what each item of a `/studies`
page is): `{"protocolSection": {...modules...}, "hasResults": ...}`. A module appears only
when something goes into it, as in the registry. Dates are `YYYY`, `YYYY-MM` or
`YYYY-MM-DD`; a key date is given either as a bare date (ACTUAL) or as `(date, type)`.

    make_study("NCT01234567", conditions=["liver cancer"],
               interventions=["sorafenib", ("BIOLOGICAL", "MSC infusion")],
               completion=("2027-06", "ESTIMATED"), last_update="2026-11-03")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DateSpec = str | tuple[str, str | None] | None
InterventionSpec = str | tuple[str, str] | tuple[str, str, Sequence[str]] | Mapping[str, Any]

DEFAULT_FIRST_POSTED = "2020-01-15"


def make_study(
    nct_id: str,
    *,
    title: str | None = None,
    official_title: str | None = None,
    acronym: str | None = None,
    aliases: Sequence[str] = (),
    status: str | None = "RECRUITING",
    last_known_status: str | None = None,
    why_stopped: str | None = None,
    conditions: Sequence[str] = (),
    keywords: Sequence[str] = (),
    interventions: Sequence[InterventionSpec] = (),
    phases: Sequence[str] = (),
    study_type: str | None = "INTERVENTIONAL",
    sponsor: str | None = "Example University Hospital",
    enrollment: int | None = None,
    enrollment_type: str | None = None,
    summary: str | None = None,
    start: DateSpec = None,
    primary_completion: DateSpec = None,
    completion: DateSpec = None,
    first_posted: str | None = DEFAULT_FIRST_POSTED,
    last_update: str | None = None,
    results_first_posted: str | None = None,
    has_results: bool | None = None,
    verified: str | None = None,
    outcomes: Sequence[str | tuple[str, str]] = (),
    references: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """One study object; `last_update` defaults to the latest posting date given.
    `outcomes` are primary outcomes, a measure or (measure, time frame); `references`
    are `referencesModule.references` items as the registry gives them."""
    protocol = _drop_empty(
        {
            "identificationModule": _identification(
                nct_id, title, official_title, acronym, aliases
            ),
            "statusModule": _status(
                status=status,
                last_known_status=last_known_status,
                why_stopped=why_stopped,
                start=start,
                primary_completion=primary_completion,
                completion=completion,
                first_posted=first_posted,
                results_first_posted=results_first_posted,
                last_update=last_update or results_first_posted or first_posted,
                verified=verified,
            ),
            "sponsorCollaboratorsModule": (
                {"leadSponsor": {"name": sponsor, "class": "OTHER"}} if sponsor else {}
            ),
            "descriptionModule": {"briefSummary": summary} if summary else {},
            "conditionsModule": _drop_empty(
                {"conditions": list(conditions), "keywords": list(keywords)}
            ),
            "designModule": _design(study_type, phases, enrollment, enrollment_type),
            "armsInterventionsModule": _arms(interventions),
            "outcomesModule": _outcomes(outcomes),
            "referencesModule": {"references": list(references)} if references else {},
        }
    )
    if has_results is None:
        has_results = results_first_posted is not None
    return {"protocolSection": protocol, "hasResults": has_results}


def make_page(
    studies: Iterable[Mapping[str, Any]],
    *,
    next_token: str | None = None,
    total: int | None = None,
) -> dict[str, Any]:
    """One `/studies` response page."""
    page: dict[str, Any] = {"studies": list(studies)}
    if total is not None:
        page["totalCount"] = total
    if next_token is not None:
        page["nextPageToken"] = next_token
    return page


def study_id(raw: Mapping[str, Any]) -> str:
    """The NCT id of a v2 study object."""
    return raw["protocolSection"]["identificationModule"]["nctId"]


def nct(number: int) -> str:
    """`nct(7)` → `"NCT00000007"`: ids that sort in the order of their numbers."""
    return f"NCT{number:08d}"


def _identification(
    nct_id: str,
    title: str | None,
    official_title: str | None,
    acronym: str | None,
    aliases: Sequence[str],
) -> dict[str, Any]:
    return _drop_empty(
        {
            "nctId": nct_id,
            "nctIdAliases": list(aliases),
            "orgStudyIdInfo": {"id": f"ORG-{nct_id[-4:]}"},
            "briefTitle": title if title is not None else f"Study {nct_id}",
            "officialTitle": official_title,
            "acronym": acronym,
        }
    )


def _status(
    *,
    status: str | None,
    last_known_status: str | None,
    why_stopped: str | None,
    start: DateSpec,
    primary_completion: DateSpec,
    completion: DateSpec,
    first_posted: str | None,
    results_first_posted: str | None,
    last_update: str | None,
    verified: str | None,
) -> dict[str, Any]:
    return _drop_empty(
        {
            "overallStatus": status,
            "lastKnownStatus": last_known_status,
            "whyStopped": why_stopped,
            "startDateStruct": _date_struct(start),
            "primaryCompletionDateStruct": _date_struct(primary_completion),
            "completionDateStruct": _date_struct(completion),
            "studyFirstPostDateStruct": _date_struct(first_posted),
            "resultsFirstPostDateStruct": _date_struct(results_first_posted),
            "lastUpdatePostDateStruct": _date_struct(last_update),
            "statusVerifiedDate": verified,
        }
    )


def _design(
    study_type: str | None,
    phases: Sequence[str],
    enrollment: int | None,
    enrollment_type: str | None,
) -> dict[str, Any]:
    enrollment_info = _drop_empty({"count": enrollment, "type": enrollment_type})
    return _drop_empty(
        {"studyType": study_type, "phases": list(phases), "enrollmentInfo": enrollment_info}
    )


def _arms(interventions: Sequence[InterventionSpec]) -> dict[str, Any]:
    items = [_intervention(spec) for spec in interventions]
    if not items:
        return {}
    groups = [
        {
            "label": f"Arm {index}",
            "type": "EXPERIMENTAL",
            "interventionNames": [f"{_type_label(item.get('type'))}: {item.get('name')}"],
        }
        for index, item in enumerate(items, start=1)
    ]
    for index, item in enumerate(items, start=1):
        item.setdefault("armGroupLabels", [f"Arm {index}"])
    return {"armGroups": groups, "interventions": items}


def _outcomes(outcomes: Sequence[str | tuple[str, str]]) -> dict[str, Any]:
    items = [
        {"measure": o} if isinstance(o, str) else {"measure": o[0], "timeFrame": o[1]}
        for o in outcomes
    ]
    return {"primaryOutcomes": items} if items else {}


def _intervention(spec: InterventionSpec) -> dict[str, Any]:
    if isinstance(spec, Mapping):
        return dict(spec)
    if isinstance(spec, str):
        return {"type": "DRUG", "name": spec}
    if len(spec) == 3:
        kind, name, other_names = spec
        return {"type": kind, "name": name, "otherNames": list(other_names)}
    kind, name = spec
    return {"type": kind, "name": name}


def _type_label(kind: Any) -> str:
    return str(kind).replace("_", " ").title()


def _date_struct(spec: DateSpec) -> dict[str, str] | None:
    if spec is None:
        return None
    if isinstance(spec, str):
        return {"date": spec, "type": "ACTUAL"}
    day, kind = spec
    return {"date": day, "type": kind} if kind else {"date": day}


def _drop_empty(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, [], {}, "")}
