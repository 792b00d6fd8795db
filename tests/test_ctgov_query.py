"""A claim's topic becomes the exact query parameters the API receives."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.ctgov import STUDY_FIELDS, StudyQuery
from tracker.ctgov.query import FIELDS_PARAM, essie_term

FIELDS = (
    "NCTId,NCTIdAlias,BriefTitle,OfficialTitle,Acronym,OverallStatus,LastKnownStatus,"
    "WhyStopped,StartDate,StartDateType,PrimaryCompletionDate,PrimaryCompletionDateType,"
    "CompletionDate,CompletionDateType,StudyFirstPostDate,ResultsFirstPostDate,"
    "LastUpdatePostDate,StatusVerifiedDate,StudyType,Phase,EnrollmentCount,EnrollmentType,Condition,Keyword,"
    "InterventionType,InterventionName,InterventionOtherName,InterventionArmGroupLabel,"
    "InterventionDescription,ArmGroupLabel,ArmGroupType,ArmGroupDescription,"
    "ArmGroupInterventionName,PrimaryOutcomeMeasure,PrimaryOutcomeTimeFrame,"
    "DesignAllocation,DesignInterventionModel,DesignMasking,DesignPrimaryPurpose,"
    "BriefSummary,ConditionMeshTerm,ConditionAncestorTerm,InterventionMeshTerm,"
    "InterventionAncestorTerm,ReferencePMID,ReferenceType,ReferenceCitation,"
    "LeadSponsorName,HasResults"
)


def test_stem_cell_liver_cancer_topic() -> None:
    query = StudyQuery(
        conditions=("hepatocellular carcinoma", "liver cancer"),
        interventions=("mesenchymal stem cell", "mesenchymal stromal cell"),
        study_types=("INTERVENTIONAL",),
        updated_since=date(2026, 11, 1),
    )

    assert query.params() == {
        "query.cond": '"hepatocellular carcinoma" OR "liver cancer"',
        "query.intr": '"mesenchymal stem cell" OR "mesenchymal stromal cell"',
        "filter.advanced": (
            "AREA[StudyType]INTERVENTIONAL AND AREA[LastUpdatePostDate]RANGE[2026-11-01,MAX]"
        ),
        "fields": FIELDS,
        "pageSize": "1000",
        "countTotal": "true",
    }


def test_condition_only_topic_has_no_filter() -> None:
    assert StudyQuery(conditions=("asthma",)).params() == {
        "query.cond": "asthma",
        "fields": FIELDS,
        "pageSize": "1000",
        "countTotal": "true",
    }


def test_terms_are_and_ed_and_study_types_or_ed_in_parentheses() -> None:
    query = StudyQuery(
        interventions=("sorafenib",),
        terms=("overall survival", "TACE"),
        study_types=("INTERVENTIONAL", "observational"),
    )

    params = query.params(page_size=50)

    assert params["query.intr"] == "sorafenib"
    assert params["query.term"] == '"overall survival" AND TACE'
    assert params["filter.advanced"] == (
        "(AREA[StudyType]INTERVENTIONAL OR AREA[StudyType]OBSERVATIONAL)"
    )
    assert params["pageSize"] == "50"
    assert "query.cond" not in params


def test_update_window_alone_is_the_whole_filter() -> None:
    query = StudyQuery(conditions=("gout",), updated_since=date(2025, 1, 9))

    assert query.params()["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2025-01-09,MAX]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sorafenib", "sorafenib"),
        ("  TACE ", "TACE"),
        ("liver cancer", '"liver cancer"'),
        ("COVID-19", '"COVID-19"'),
        ("IL-2", '"IL-2"'),
        ("Crohn's disease", '"Crohn\'s disease"'),
        ("5-FU (fluorouracil)", '"5-FU (fluorouracil)"'),
        ('the "so-called" cure', '"the \\"so-called\\" cure"'),
        ("back\\slash", '"back\\\\slash"'),
        ("ALL", '"ALL"'),
        ("all", '"all"'),
        ("DISTANCE", '"DISTANCE"'),
        ("stem   cell\ttherapy", '"stem cell therapy"'),
        ("OR", '"OR"'),
        ("not", '"not"'),
        ("Range", '"Range"'),
        ("AREA[Phase]PHASE3", '"AREA[Phase]PHASE3"'),
    ],
)
def test_terms_are_quoted_for_essie(text: str, expected: str) -> None:
    assert essie_term(text) == expected


def test_duplicate_terms_are_asked_once() -> None:
    query = StudyQuery(conditions=("Liver Cancer", "liver  cancer", "HCC"))

    assert query.conditions == ("Liver Cancer", "HCC")
    assert query.params()["query.cond"] == '"Liver Cancer" OR HCC'


def test_lists_are_accepted_and_stored_as_tuples() -> None:
    query = StudyQuery(conditions=["asthma"], study_types=["expanded access"])  # type: ignore[arg-type]

    assert query.conditions == ("asthma",)
    assert query.study_types == ("EXPANDED_ACCESS",)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"study_types": ("INTERVENTIONAL",)},
        {"conditions": ("",)},
        {"conditions": ('"  "',)},
        {"conditions": ("asthma",), "study_types": ("INTERVENTIONAL) OR (x",)},
    ],
)
def test_unusable_topics_are_refused(kwargs: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        StudyQuery(**kwargs)


def test_a_bare_string_is_not_taken_for_a_list_of_letters() -> None:
    with pytest.raises(TypeError):
        StudyQuery(conditions="asthma")  # type: ignore[arg-type]


def test_phases_are_or_ed_and_exclusions_are_not_in_their_search_area() -> None:
    query = StudyQuery(
        conditions=("multiple myeloma",),
        phases=("phase2", "PHASE3"),
        exclude_interventions=("CAR-T", "bispecific"),
        exclude_terms=("maintenance",),
    )

    assert query.advanced_filter() == (
        "(AREA[Phase]PHASE2 OR AREA[Phase]PHASE3)"
        ' AND NOT AREA[InterventionSearch]("CAR-T" OR bispecific)'
        " AND NOT AREA[BasicSearch](maintenance)"
    )


def test_fields_ask_only_for_what_the_record_keeps() -> None:
    assert FIELDS_PARAM == FIELDS
    assert len(set(STUDY_FIELDS)) == len(STUDY_FIELDS)
