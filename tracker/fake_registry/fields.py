"""What the fake knows of the study data model: piece names, search areas, `fields=`.

A piece name (`NCTId`, `CompletionDateType`, ...) stands for a dotted path in the study
JSON; a path step over a list applies to every item, as in the API's own metadata
(`...interventions[].name`). `fields=` takes piece names or dotted paths and keeps only
those parts of each study; a search area is a set of pieces searched together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_ID = "protocolSection.identificationModule"
_STATUS = "protocolSection.statusModule"
_DESIGN = "protocolSection.designModule"
_ARMS = "protocolSection.armsInterventionsModule"
_CONDITIONS = "protocolSection.conditionsModule"

PIECES: dict[str, str] = {
    "NCTId": f"{_ID}.nctId",
    "NCTIdAlias": f"{_ID}.nctIdAliases",
    "BriefTitle": f"{_ID}.briefTitle",
    "OfficialTitle": f"{_ID}.officialTitle",
    "Acronym": f"{_ID}.acronym",
    "OverallStatus": f"{_STATUS}.overallStatus",
    "LastKnownStatus": f"{_STATUS}.lastKnownStatus",
    "WhyStopped": f"{_STATUS}.whyStopped",
    "StartDate": f"{_STATUS}.startDateStruct.date",
    "StartDateType": f"{_STATUS}.startDateStruct.type",
    "PrimaryCompletionDate": f"{_STATUS}.primaryCompletionDateStruct.date",
    "PrimaryCompletionDateType": f"{_STATUS}.primaryCompletionDateStruct.type",
    "CompletionDate": f"{_STATUS}.completionDateStruct.date",
    "CompletionDateType": f"{_STATUS}.completionDateStruct.type",
    "StudyFirstPostDate": f"{_STATUS}.studyFirstPostDateStruct.date",
    "ResultsFirstPostDate": f"{_STATUS}.resultsFirstPostDateStruct.date",
    "LastUpdatePostDate": f"{_STATUS}.lastUpdatePostDateStruct.date",
    "StatusVerifiedDate": f"{_STATUS}.statusVerifiedDate",
    "StudyType": f"{_DESIGN}.studyType",
    "Phase": f"{_DESIGN}.phases",
    "EnrollmentCount": f"{_DESIGN}.enrollmentInfo.count",
    "EnrollmentType": f"{_DESIGN}.enrollmentInfo.type",
    "Condition": f"{_CONDITIONS}.conditions",
    "Keyword": f"{_CONDITIONS}.keywords",
    "InterventionType": f"{_ARMS}.interventions.type",
    "InterventionName": f"{_ARMS}.interventions.name",
    "InterventionOtherName": f"{_ARMS}.interventions.otherNames",
    "InterventionArmGroupLabel": f"{_ARMS}.interventions.armGroupLabels",
    "InterventionDescription": f"{_ARMS}.interventions.description",
    "ArmGroupLabel": f"{_ARMS}.armGroups.label",
    "ArmGroupType": f"{_ARMS}.armGroups.type",
    "ArmGroupDescription": f"{_ARMS}.armGroups.description",
    "ArmGroupInterventionName": f"{_ARMS}.armGroups.interventionNames",
    "PrimaryOutcomeMeasure": "protocolSection.outcomesModule.primaryOutcomes.measure",
    "PrimaryOutcomeTimeFrame": "protocolSection.outcomesModule.primaryOutcomes.timeFrame",
    "DesignAllocation": f"{_DESIGN}.designInfo.allocation",
    "DesignInterventionModel": f"{_DESIGN}.designInfo.interventionModel",
    "DesignMasking": f"{_DESIGN}.designInfo.maskingInfo.masking",
    "DesignPrimaryPurpose": f"{_DESIGN}.designInfo.primaryPurpose",
    "LeadSponsorName": "protocolSection.sponsorCollaboratorsModule.leadSponsor.name",
    "BriefSummary": "protocolSection.descriptionModule.briefSummary",
    "ConditionMeshTerm": "derivedSection.conditionBrowseModule.meshes.term",
    "ConditionAncestorTerm": "derivedSection.conditionBrowseModule.ancestors.term",
    "InterventionMeshTerm": "derivedSection.interventionBrowseModule.meshes.term",
    "InterventionAncestorTerm": "derivedSection.interventionBrowseModule.ancestors.term",
    "ReferencePMID": "protocolSection.referencesModule.references.pmid",
    "ReferenceType": "protocolSection.referencesModule.references.type",
    "ReferenceCitation": "protocolSection.referencesModule.references.citation",
    "HasResults": "hasResults",
}
_PIECES_FOLDED = {name.casefold(): path for name, path in PIECES.items()}

SEARCH_AREAS: dict[str, tuple[str, ...]] = {
    "ConditionSearch": (
        "Condition",
        "Keyword",
        "BriefTitle",
        "OfficialTitle",
        "ConditionMeshTerm",
        "ConditionAncestorTerm",
    ),
    "InterventionSearch": (
        "InterventionName",
        "InterventionOtherName",
        "InterventionDescription",
        "ArmGroupLabel",
        "ArmGroupDescription",
        "InterventionMeshTerm",
        "InterventionAncestorTerm",
    ),
}
BASIC_SEARCH = "BasicSearch"
"""Every text of the protocol and derived sections: the area of `query.term`."""

_TOP_LEVEL = frozenset(
    {
        "protocolSection",
        "resultsSection",
        "annotationSection",
        "documentSection",
        "derivedSection",
        "hasResults",
    }
)

KeepTree = dict[str, Any]


def is_area(name: str) -> bool:
    """Can `AREA[name]` be searched: a piece, a search area, or BasicSearch?"""
    return name.casefold() in _PIECES_FOLDED or name in SEARCH_AREAS or name == BASIC_SEARCH


def area_texts(study: Mapping[str, Any], name: str) -> list[str]:
    """The values of a piece or search area in one study, as text."""
    if name == BASIC_SEARCH:
        return list(
            _strings({key: study.get(key) for key in ("protocolSection", "derivedSection")})
        )
    if name in SEARCH_AREAS:
        return [text for piece in SEARCH_AREAS[name] for text in area_texts(study, piece)]
    path = _PIECES_FOLDED[name.casefold()]
    return [_as_text(value) for value in _values(study, path.split("."))]


def keep_tree(fields: str) -> KeepTree | None:
    """The parts of a study that `fields=` asks for; None means the whole study.

    Raises `ValueError` naming the first field the API would not know.
    """
    names = [name.strip() for name in fields.replace("|", ",").split(",") if name.strip()]
    if not names:
        return None
    tree: KeepTree = {}
    for name in names:
        path = _PIECES_FOLDED.get(name.casefold(), name)
        if path.split(".")[0] not in _TOP_LEVEL:
            raise ValueError(f"Parameter 'fields' contains invalid field name: '{name}'")
        _graft(tree, path.split("."))
    return tree


def project(value: Any, tree: KeepTree | bool) -> Any:
    """Keep the parts of `value` that `tree` names; lists are projected item by item."""
    if tree is True:
        return value
    if isinstance(value, list):
        return [kept for item in value if (kept := project(item, tree)) not in (None, {})]
    if not isinstance(value, Mapping):
        return None
    kept: dict[str, Any] = {}
    for key, subtree in tree.items():
        if key in value:
            part = project(value[key], subtree)
            if part not in (None, {}, []):
                kept[key] = part
    return kept


def _graft(tree: KeepTree, steps: list[str]) -> None:
    node = tree
    for step in steps[:-1]:
        child = node.get(step)
        if child is True:
            return
        node = node.setdefault(step, {})
    node[steps[-1]] = True


def _values(value: Any, steps: list[str]) -> list[Any]:
    """The non-null values at the end of `steps`, stepping into every item of a list."""
    found: list[Any] = []
    _collect(value, steps, 0, found)
    return found


def _collect(value: Any, steps: list[str], at: int, found: list[Any]) -> None:
    # A loop down the mappings and recursion only into lists: searches call this a lot.
    while True:
        if isinstance(value, list):
            for item in value:
                _collect(item, steps, at, found)
            return
        if at == len(steps):
            if value is not None:
                found.append(value)
            return
        if not isinstance(value, (dict, Mapping)):  # dict first: the ABC check is slow
            return
        value = value.get(steps[at])
        at += 1


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
