"""A page of studies decoded straight into the pieces the tracker keeps (msgspec).

`tracker.ctgov.parse` reads any JSON the registry sends, tolerating every oddity; it
first needs the whole page as Python dicts and lists, and the two steps took a third of
a first sync. Here the page is decoded, in C, into typed structs that hold only the
fields `StudyRecord` keeps (everything else in the body is skipped unread), and
`record_of` turns each into a record with the same rules as `parse_study`.

A page that does not fit these types exactly (a number where text belongs, a null in a
list, an escaped lone surrogate) is not an error: `decode_page` then returns the page as
`decode_json` gives it, and `parse_study` reads it as before, warnings and all.
"""

from __future__ import annotations

from hashlib import sha256
from typing import Any, NamedTuple

import msgspec

from tracker.ctgov.decode import decode_json
from tracker.ctgov.parse import ENROLLMENT_UNKNOWN, checked_nct_id, clean_text, clean_texts
from tracker.ctgov.records import (
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


class _Piece(msgspec.Struct, rename="camel", frozen=True):
    """A JSON object of the v2 shape; fields the tracker does not keep are skipped."""


class _Identification(_Piece):
    nct_id: Any = None
    nct_id_aliases: list[str] = []
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None


class _DateStruct(_Piece):
    date: str | None = None
    type: str | None = None


class _Status(_Piece):
    overall_status: str | None = None
    last_known_status: str | None = None
    why_stopped: str | None = None
    start_date_struct: _DateStruct | None = None
    primary_completion_date_struct: _DateStruct | None = None
    completion_date_struct: _DateStruct | None = None
    study_first_post_date_struct: _DateStruct | None = None
    results_first_post_date_struct: _DateStruct | None = None
    last_update_post_date_struct: _DateStruct | None = None
    status_verified_date: str | None = None


class _Enrollment(_Piece):
    count: int | None = None
    type: str | None = None


class _Masking(_Piece):
    masking: str | None = None


class _DesignInfo(_Piece):
    allocation: str | None = None
    intervention_model: str | None = None
    masking_info: _Masking | None = None
    primary_purpose: str | None = None


class _DesignModule(_Piece):
    study_type: str | None = None
    phases: list[str] = []
    enrollment_info: _Enrollment | None = None
    design_info: _DesignInfo | None = None


class _Conditions(_Piece):
    conditions: list[str] = []
    keywords: list[str] = []


class _Intervention(_Piece):
    type: str | None = None
    name: str | None = None
    other_names: list[str] = []
    arm_group_labels: list[str] = []
    description: str | None = None


class _Arm(_Piece):
    label: str | None = None
    type: str | None = None
    description: str | None = None
    intervention_names: list[str] = []


class _Arms(_Piece):
    interventions: list[_Intervention] = []
    arm_groups: list[_Arm] = []


class _Name(_Piece):
    name: str | None = None


class _Sponsors(_Piece):
    lead_sponsor: _Name | None = None


class _Description(_Piece):
    brief_summary: str | None = None


class _Outcome(_Piece):
    measure: str | None = None
    time_frame: str | None = None


class _Outcomes(_Piece):
    primary_outcomes: list[_Outcome] = []


class _Reference(_Piece):
    pmid: str | None = None
    type: str | None = None
    citation: str | None = None


class _References(_Piece):
    references: list[_Reference] = []


class _Protocol(_Piece):
    identification_module: _Identification | None = None
    status_module: _Status | None = None
    design_module: _DesignModule | None = None
    conditions_module: _Conditions | None = None
    arms_interventions_module: _Arms | None = None
    sponsor_collaborators_module: _Sponsors | None = None
    description_module: _Description | None = None
    outcomes_module: _Outcomes | None = None
    references_module: _References | None = None


class _Term(_Piece):
    term: str | None = None


class _Browse(_Piece):
    meshes: list[_Term] = []
    ancestors: list[_Term] = []


class _Derived(_Piece):
    condition_browse_module: _Browse | None = None
    intervention_browse_module: _Browse | None = None


class _Study(_Piece):
    """One study of a typed page."""

    protocol_section: _Protocol | None = None
    derived_section: _Derived | None = None
    has_results: bool | None = None
    results_section: dict[str, Any] | None = None


class TypedStudy(NamedTuple):
    """One study of a typed page, and the SHA-256 of its JSON text as the registry sent
    it: `record_of` makes it a `StudyRecord` that carries the hash as `source_hash`."""

    study: _Study
    source_hash: str


class _Page(_Piece):
    studies: list[msgspec.Raw]
    next_page_token: str | None = None
    total_count: int | None = None


_PAGE = msgspec.json.Decoder(_Page)
_STUDY = msgspec.json.Decoder(_Study)
_ERRORS = (msgspec.ValidationError, msgspec.DecodeError)


def decode_page(body: bytes) -> dict[str, Any]:
    """A `/studies` body as the client reads it: `studies`, `nextPageToken`, `totalCount`.

    Its studies are `TypedStudy` values when the whole page fits their types, else the
    page is `decode_json`'s, studies as dicts; `ValueError` when it is not JSON at all."""
    try:
        page = _PAGE.decode(body)
        studies = [TypedStudy(_STUDY.decode(raw), sha256(raw).hexdigest()) for raw in page.studies]
    except _ERRORS:
        return decode_json(body)
    return {
        "studies": studies,
        "nextPageToken": page.next_page_token,
        "totalCount": page.total_count,
    }


_PROTOCOL = _Protocol()
_IDENT = _Identification()
_STATUS = _Status()
_DESIGN = _DesignModule()
_CONDITIONS = _Conditions()
_ARMS = _Arms()
_OUTCOMES = _Outcomes()
_BROWSE = _Browse()
_DATE = _DateStruct()
_DERIVED = _Derived()
_ENROLLMENT = _Enrollment()


def record_of(typed: TypedStudy) -> StudyRecord:
    """The record `parse_study` would build from the same study's JSON, with its hash."""
    study = typed.study
    protocol = study.protocol_section or _PROTOCOL
    ident = protocol.identification_module or _IDENT
    status = protocol.status_module or _STATUS
    design = protocol.design_module or _DESIGN
    conditions = protocol.conditions_module or _CONDITIONS
    arms = protocol.arms_interventions_module or _ARMS
    derived = study.derived_section or _DERIVED
    enrollment = design.enrollment_info or _ENROLLMENT
    sponsors = protocol.sponsor_collaborators_module
    lead = sponsors.lead_sponsor if sponsors is not None else None
    summary = protocol.description_module
    return StudyRecord(
        nct_id=checked_nct_id(ident.nct_id),
        brief_title=clean_text(ident.brief_title),
        official_title=clean_text(ident.official_title),
        acronym=clean_text(ident.acronym),
        overall_status=clean_text(status.overall_status),
        last_known_status=clean_text(status.last_known_status),
        why_stopped=clean_text(status.why_stopped),
        phases=clean_texts(design.phases),
        study_type=clean_text(design.study_type),
        conditions=clean_texts(conditions.conditions),
        keywords=clean_texts(conditions.keywords),
        interventions=_interventions(arms.interventions),
        lead_sponsor=clean_text(lead.name) if lead is not None else None,
        enrollment=enrollment.count if enrollment.count != ENROLLMENT_UNKNOWN else None,
        enrollment_type=clean_text(enrollment.type),
        start=_study_date(status.start_date_struct),
        primary_completion=_study_date(status.primary_completion_date_struct),
        completion=_study_date(status.completion_date_struct),
        first_posted=PartialDate.parse((status.study_first_post_date_struct or _DATE).date),
        results_first_posted=PartialDate.parse(
            (status.results_first_post_date_struct or _DATE).date
        ),
        last_update_posted=PartialDate.parse((status.last_update_post_date_struct or _DATE).date),
        status_verified=PartialDate.parse(status.status_verified_date),
        has_results=_has_results(study),
        aliases=tuple(alias.upper() for alias in clean_texts(ident.nct_id_aliases)),
        brief_summary=clean_text(summary.brief_summary) if summary is not None else None,
        arm_groups=_arm_groups(arms.arm_groups),
        primary_outcomes=_outcomes((protocol.outcomes_module or _OUTCOMES).primary_outcomes),
        design=_design(design.design_info),
        condition_mesh=_mesh(derived.condition_browse_module or _BROWSE),
        intervention_mesh=_mesh(derived.intervention_browse_module or _BROWSE),
        references=_references(protocol.references_module),
        source_hash=typed.source_hash,
    )


def _has_results(study: _Study) -> bool:
    if study.has_results is not None:
        return study.has_results
    return study.results_section is not None


def _study_date(struct: _DateStruct | None) -> StudyDate | None:
    if struct is None:
        return None
    parsed = PartialDate.parse(struct.date)
    return StudyDate(date=parsed, type=clean_text(struct.type)) if parsed is not None else None


def _interventions(found: list[_Intervention]) -> tuple[Intervention, ...]:
    return tuple(
        Intervention(
            type=clean_text(item.type),
            name=name,
            other_names=clean_texts(item.other_names),
            arm_labels=clean_texts(item.arm_group_labels),
            description=clean_text(item.description),
        )
        for item in found
        if (name := clean_text(item.name)) is not None
    )


def _arm_groups(found: list[_Arm]) -> tuple[ArmGroup, ...]:
    return tuple(
        ArmGroup(
            label=label,
            type=clean_text(item.type),
            description=clean_text(item.description),
            intervention_names=clean_texts(item.intervention_names),
        )
        for item in found
        if (label := clean_text(item.label)) is not None
    )


def _outcomes(found: list[_Outcome]) -> tuple[Outcome, ...]:
    return tuple(
        Outcome(measure=measure, time_frame=clean_text(item.time_frame))
        for item in found
        if (measure := clean_text(item.measure)) is not None
    )


def _design(info: _DesignInfo | None) -> Design:
    if info is None:
        return Design()
    return Design(
        allocation=clean_text(info.allocation),
        intervention_model=clean_text(info.intervention_model),
        masking=clean_text(info.masking_info.masking) if info.masking_info is not None else None,
        primary_purpose=clean_text(info.primary_purpose),
    )


def _mesh(browse: _Browse) -> Mesh:
    return Mesh(terms=_terms(browse.meshes), ancestors=_terms(browse.ancestors))


def _terms(found: list[_Term]) -> tuple[str, ...]:
    return tuple(term for item in found if (term := clean_text(item.term)) is not None)


def _references(module: _References | None) -> tuple[Reference, ...]:
    if module is None:
        return ()
    found = (
        Reference(
            pmid=clean_text(item.pmid),
            type=clean_text(item.type),
            citation=clean_text(item.citation),
        )
        for item in module.references
    )
    return tuple(ref for ref in found if ref.pmid or ref.citation)
