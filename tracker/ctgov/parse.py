"""Turn ClinicalTrials.gov API v2 JSON into typed records.

The registry leaves any module or field out when a sponsor never filled it in, so every
lookup here tolerates absence, and a value of the wrong JSON type is treated as absent
rather than trusted; enrollment 99999999, the registry's placeholder, is unknown (None), and
a `/version` `dataTimestamp` that is not a plain ISO timestamp is no timestamp at all.
Only a study without a usable NCT id cannot become a record: that is
`MalformedStudy`, a skippable fault (the client logs and counts it, then goes on). It is
deliberately not a `TrackerError`: no user ever sees it on its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tracker.ctgov.records import (
    ApiVersion,
    ArmGroup,
    Design,
    Intervention,
    Mesh,
    Outcome,
    PartialDate,
    Reference,
    StudyDate,
    StudyRecord,
)

_NCT_ID = re.compile(r"^NCT\d{8}$", re.IGNORECASE)
"""An NCT id is `NCT` and eight digits; anything else is no usable id (nor fits its column)."""
_SHOWN = 40
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?:Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)
ENROLLMENT_UNKNOWN = 99_999_999
_EMPTY: Mapping[str, Any] = {}


class MalformedStudy(ValueError):
    """A study object the tracker cannot use at all (no NCT id); skip it and count it."""


def parse_study(raw: Mapping[str, Any]) -> StudyRecord:
    """Build a `StudyRecord` from one v2 study object, whatever parts of it are missing."""
    if not isinstance(raw, dict):
        raise MalformedStudy(f"a study must be a JSON object, not {type(raw).__name__}")
    protocol = _module(raw, "protocolSection")
    ident = _module(protocol, "identificationModule")
    status = _module(protocol, "statusModule")
    design = _module(protocol, "designModule")
    conditions = _module(protocol, "conditionsModule")
    enrollment = _module(design, "enrollmentInfo")
    arms = _module(protocol, "armsInterventionsModule")
    derived = _module(raw, "derivedSection")
    return StudyRecord(
        nct_id=checked_nct_id(ident.get("nctId")),
        brief_title=clean_text(ident.get("briefTitle")),
        official_title=clean_text(ident.get("officialTitle")),
        acronym=clean_text(ident.get("acronym")),
        overall_status=clean_text(status.get("overallStatus")),
        last_known_status=clean_text(status.get("lastKnownStatus")),
        why_stopped=clean_text(status.get("whyStopped")),
        phases=clean_texts(design.get("phases")),
        study_type=clean_text(design.get("studyType")),
        conditions=clean_texts(conditions.get("conditions")),
        keywords=clean_texts(conditions.get("keywords")),
        interventions=_interventions(arms),
        lead_sponsor=clean_text(
            _module(_module(protocol, "sponsorCollaboratorsModule"), "leadSponsor").get("name")
        ),
        enrollment=_count(enrollment.get("count")),
        enrollment_type=clean_text(enrollment.get("type")),
        start=_study_date(status, "startDateStruct"),
        primary_completion=_study_date(status, "primaryCompletionDateStruct"),
        completion=_study_date(status, "completionDateStruct"),
        first_posted=_posted(status, "studyFirstPostDateStruct"),
        results_first_posted=_posted(status, "resultsFirstPostDateStruct"),
        last_update_posted=_posted(status, "lastUpdatePostDateStruct"),
        status_verified=PartialDate.parse(status.get("statusVerifiedDate")),
        has_results=_has_results(raw),
        aliases=tuple(alias.upper() for alias in clean_texts(ident.get("nctIdAliases"))),
        brief_summary=clean_text(_module(protocol, "descriptionModule").get("briefSummary")),
        arm_groups=_arm_groups(arms),
        primary_outcomes=_outcomes(_module(protocol, "outcomesModule")),
        design=_design(_module(design, "designInfo")),
        condition_mesh=_mesh(_module(derived, "conditionBrowseModule")),
        intervention_mesh=_mesh(_module(derived, "interventionBrowseModule")),
        references=_references(_module(protocol, "referencesModule")),
    )


def parse_version(raw: Any) -> ApiVersion:
    """Read `/version`: the API's version and the time its data last refreshed."""
    body = raw if isinstance(raw, Mapping) else _EMPTY
    return ApiVersion(
        api_version=clean_text(body.get("apiVersion")),
        data_timestamp=_timestamp(body.get("dataTimestamp")),
    )


def _timestamp(value: Any) -> str | None:
    """A `dataTimestamp` as given, if it is one; a bookmark is never built on junk."""
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return None
    return value


def _module(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested object, or an empty one. JSON objects decode to dicts: checking for `dict`
    rather than `Mapping` spares the ABC machinery on the sync's hottest path."""
    value = parent.get(key)
    return value if isinstance(value, dict) else _EMPTY


def clean_text(value: Any) -> str | None:
    """Text as kept: stripped; anything that is not text, or is blank, is None."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def clean_texts(value: Any) -> tuple[str, ...]:
    """A list of texts as kept: each stripped, blanks and non-texts left out."""
    if not isinstance(value, list):
        return ()
    return tuple(text for item in value if isinstance(item, str) and (text := item.strip()))


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value != ENROLLMENT_UNKNOWN:
        return value
    return None


def checked_nct_id(value: Any) -> str:
    """A study's `nctId`, upper-cased; `MalformedStudy` when it is no usable NCT id."""
    nct_id = clean_text(value)
    if nct_id is None or not _NCT_ID.match(nct_id):
        shown = repr(value)
        shown = shown if len(shown) <= _SHOWN else shown[: _SHOWN - 1] + "…"
        raise MalformedStudy(f"study without a usable nctId: {shown}")
    return nct_id.upper()


def _study_date(status: Mapping[str, Any], key: str) -> StudyDate | None:
    struct = _module(status, key)
    parsed = PartialDate.parse(struct.get("date"))
    if parsed is None:
        return None
    return StudyDate(date=parsed, type=clean_text(struct.get("type")))


def _posted(status: Mapping[str, Any], key: str) -> PartialDate | None:
    return PartialDate.parse(_module(status, key).get("date"))


def _interventions(arms: Mapping[str, Any]) -> tuple[Intervention, ...]:
    found = arms.get("interventions")
    if not isinstance(found, list):
        return ()
    return tuple(
        Intervention(
            type=clean_text(item.get("type")),
            name=name,
            other_names=clean_texts(item.get("otherNames")),
            arm_labels=clean_texts(item.get("armGroupLabels")),
            description=clean_text(item.get("description")),
        )
        for item in found
        if isinstance(item, dict) and (name := clean_text(item.get("name"))) is not None
    )


def _items(parent: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    found = parent.get(key)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _arm_groups(arms: Mapping[str, Any]) -> tuple[ArmGroup, ...]:
    return tuple(
        ArmGroup(
            label=label,
            type=clean_text(item.get("type")),
            description=clean_text(item.get("description")),
            intervention_names=clean_texts(item.get("interventionNames")),
        )
        for item in _items(arms, "armGroups")
        if (label := clean_text(item.get("label"))) is not None
    )


def _outcomes(outcomes: Mapping[str, Any]) -> tuple[Outcome, ...]:
    return tuple(
        Outcome(measure=measure, time_frame=clean_text(item.get("timeFrame")))
        for item in _items(outcomes, "primaryOutcomes")
        if (measure := clean_text(item.get("measure"))) is not None
    )


def _design(info: Mapping[str, Any]) -> Design:
    return Design(
        allocation=clean_text(info.get("allocation")),
        intervention_model=clean_text(info.get("interventionModel")),
        masking=clean_text(_module(info, "maskingInfo").get("masking")),
        primary_purpose=clean_text(info.get("primaryPurpose")),
    )


def _mesh(browse: Mapping[str, Any]) -> Mesh:
    def terms(key: str) -> tuple[str, ...]:
        return tuple(
            term
            for item in _items(browse, key)
            if (term := clean_text(item.get("term"))) is not None
        )

    return Mesh(terms=terms("meshes"), ancestors=terms("ancestors"))


def _references(module: Mapping[str, Any]) -> tuple[Reference, ...]:
    found = (
        Reference(
            pmid=clean_text(item.get("pmid")),
            type=clean_text(item.get("type")),
            citation=clean_text(item.get("citation")),
        )
        for item in _items(module, "references")
    )
    return tuple(ref for ref in found if ref.pmid or ref.citation)


def _has_results(raw: Mapping[str, Any]) -> bool:
    flag = raw.get("hasResults")
    if isinstance(flag, bool):
        return flag
    return isinstance(raw.get("resultsSection"), Mapping)
