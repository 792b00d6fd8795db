"""A v2 study object becomes a StudyRecord: real samples, hand-made edge cases, bad types."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ctgov_builders import make_study

from tracker.ctgov import Intervention, MalformedStudy, StudyRecord, parse_study
from tracker.ctgov.decode import decode_json
from tracker.ctgov.parse import parse_version

SAMPLES = Path(__file__).parent / "data" / "ctgov"


def sample(nct_id: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{nct_id}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("NCT*.json")), ids=lambda p: p.stem)
def test_every_real_sample_parses_to_its_own_id(path: Path) -> None:
    record = parse_study(json.loads(path.read_text(encoding="utf-8")))

    assert record.nct_id == path.stem


def test_withdrawn_study_keeps_status_and_reason() -> None:
    record = parse_study(sample("NCT00973089"))

    assert record.overall_status == "WITHDRAWN"
    assert record.why_stopped == (
        "recruiting or enrolling participants has halted prematurely and will not resume"
    )
    assert record.enrollment == 0
    assert record.enrollment_type == "ACTUAL"
    assert record.has_results is False
    assert record.lead_sponsor == "Hadassah Medical Organization"
    assert record.conditions == ("Caries, Dental",)
    assert record.keywords == ("Primary tooth", "Caries, Dental", "Alternative treatment")
    assert record.interventions == (
        Intervention(
            type="OTHER",
            name="Incomplete caries removal in primary teeth",
            other_names=("Indirect pulp capping",),
        ),
    )


def test_start_date_without_type_keeps_month_precision() -> None:
    record = parse_study(sample("NCT00973089"))

    assert record.start is not None
    assert record.start.type is None
    assert record.start.date.text == "2010-05"
    assert record.start.date.earliest == date(2010, 5, 1)
    assert record.start.date.latest == date(2010, 5, 31)
    assert record.completion is not None
    assert (record.completion.date.text, record.completion.type) == ("2015-03", "ACTUAL")


def test_completed_study_with_results_has_every_posting_date() -> None:
    record = parse_study(sample("NCT02210780"))

    assert record.overall_status == "COMPLETED"
    assert record.phases == ("PHASE2",)
    assert record.study_type == "INTERVENTIONAL"
    assert record.enrollment == 194
    assert record.has_results is True
    assert str(record.first_posted) == "2014-08-07"
    assert str(record.results_first_posted) == "2020-05-07"
    assert str(record.last_update_posted) == "2020-05-07"
    assert record.first_posted is not None
    assert record.first_posted.earliest == record.first_posted.latest == date(2014, 8, 7)
    dupilumab = record.interventions[0]
    assert dupilumab == Intervention("DRUG", "Dupilumab", ("REGN668", "SAR231893", "Dupixent"))


def test_acronym_and_biological_intervention_are_read() -> None:
    record = parse_study(sample("NCT02552212"))

    assert record.acronym == "C-AXSPAND"
    assert record.phases == ("PHASE3",)
    assert record.interventions[0] == Intervention(
        "BIOLOGICAL", "Certolizumab Pegol", ("Cimzia", "CDP870")
    )
    assert record.interventions[1] == Intervention("OTHER", "Placebo", ())


def test_unknown_status_keeps_last_known_status() -> None:
    record = parse_study(sample("NCT03475563"))

    assert record.overall_status == "UNKNOWN"
    assert record.last_known_status == "RECRUITING"
    assert record.study_type == "OBSERVATIONAL"
    assert record.phases == ()
    assert record.primary_completion is not None
    assert record.primary_completion.type == "ESTIMATED"


def test_estimated_dates_of_a_planned_study() -> None:
    record = parse_study(sample("NCT06171568"))

    assert record.overall_status == "NOT_YET_RECRUITING"
    assert record.start is not None
    assert (record.start.date.text, record.start.type) == ("2024-02-01", "ESTIMATED")
    assert record.lead_sponsor == "Assistance Publique - Hôpitaux de Paris"


@pytest.mark.parametrize("nct_id", ["NCT00465816", "NCT03453554"])
def test_near_empty_real_records_parse_with_defaults(nct_id: str) -> None:
    record = parse_study(sample(nct_id))

    assert record.brief_title is not None
    assert record.official_title is not None
    assert record.overall_status is None
    assert record.phases == ()
    assert record.conditions == ()
    assert record.interventions == ()
    assert record.lead_sponsor is None
    assert record.enrollment is None
    assert (record.start, record.completion, record.first_posted) == (None, None, None)


def test_has_results_flag_wins_over_missing_results_section() -> None:
    assert parse_study(sample("NCT00465816")).has_results is True
    assert parse_study(sample("NCT03453554")).has_results is False


def test_has_results_falls_back_to_results_section() -> None:
    raw = make_study("NCT00000001")
    del raw["hasResults"]
    raw["resultsSection"] = {"participantFlowModule": {}}

    assert parse_study(raw).has_results is True


def test_minimal_study_is_only_an_id() -> None:
    raw = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}}

    assert parse_study(raw) == StudyRecord(nct_id="NCT00000001")


def test_builder_study_round_trips_every_field() -> None:
    raw = make_study(
        "NCT01234567",
        title="MSC for liver cancer",
        official_title="A Phase 1/2 Study of MSC in HCC",
        acronym="MSC-HCC",
        aliases=["nct00999999"],
        status="TERMINATED",
        why_stopped="Sponsor decision",
        conditions=["Hepatocellular Carcinoma"],
        keywords=["MSC"],
        interventions=[("BIOLOGICAL", "Mesenchymal stem cells", ["MSC"]), "sorafenib"],
        phases=["PHASE1", "PHASE2"],
        enrollment=40,
        enrollment_type="ESTIMATED",
        start=("2021", None),
        primary_completion=("2024-06", "ACTUAL"),
        completion=("2025-01-31", "ESTIMATED"),
        first_posted="2021-02-03",
        results_first_posted="2025-03-04",
        last_update="2025-03-05",
    )

    record = parse_study(raw)

    assert record.brief_title == "MSC for liver cancer"
    assert record.official_title == "A Phase 1/2 Study of MSC in HCC"
    assert record.acronym == "MSC-HCC"
    assert record.aliases == ("NCT00999999",)
    assert (record.overall_status, record.why_stopped) == ("TERMINATED", "Sponsor decision")
    assert record.phases == ("PHASE1", "PHASE2")
    assert record.interventions == (
        Intervention("BIOLOGICAL", "Mesenchymal stem cells", ("MSC",)),
        Intervention("DRUG", "sorafenib", ()),
    )
    assert (record.enrollment, record.enrollment_type) == (40, "ESTIMATED")
    assert record.start is not None
    assert record.start.date.earliest == date(2021, 1, 1)
    assert record.start.date.latest == date(2021, 12, 31)
    assert record.primary_completion is not None
    assert record.primary_completion.date.earliest == date(2024, 6, 1)
    assert record.primary_completion.date.latest == date(2024, 6, 30)
    assert record.completion is not None
    assert record.completion.type == "ESTIMATED"
    assert str(record.results_first_posted) == "2025-03-04"
    assert str(record.last_update_posted) == "2025-03-05"
    assert record.has_results is True


@pytest.mark.parametrize(
    ("where", "bad_value"),
    [
        (("protocolSection", "statusModule"), ["a", "list"]),
        (("protocolSection", "statusModule", "overallStatus"), 7),
        (("protocolSection", "statusModule", "completionDateStruct"), "2020-01"),
        (("protocolSection", "statusModule", "completionDateStruct", "date"), 2020),
        (("protocolSection", "designModule", "phases"), "PHASE2"),
        (("protocolSection", "designModule", "enrollmentInfo", "count"), "40"),
        (("protocolSection", "designModule", "enrollmentInfo", "count"), True),
        (("protocolSection", "armsInterventionsModule", "interventions"), {"name": "x"}),
        (("protocolSection", "conditionsModule", "conditions"), [None, 3, {"x": 1}]),
        (("hasResults",), "yes"),
    ],
)
def test_a_field_of_the_wrong_type_counts_as_missing(
    where: tuple[str, ...], bad_value: Any
) -> None:
    raw = make_study(
        "NCT00000002",
        conditions=["Asthma"],
        interventions=["salbutamol"],
        phases=["PHASE2"],
        enrollment=12,
        completion="2020-02",
    )
    parent = raw
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = bad_value

    record = parse_study(raw)

    assert record.nct_id == "NCT00000002"


def test_wrong_types_inside_lists_are_skipped() -> None:
    raw = make_study(
        "NCT00000003",
        interventions=[{"type": "DRUG"}, {"type": 5, "name": "aspirin", "otherNames": "ASA"}],
    )
    raw["protocolSection"]["conditionsModule"] = {"conditions": ["Pain", "", 4, "  Fever "]}

    record = parse_study(raw)

    assert record.interventions == (Intervention(None, "aspirin", ()),)
    assert record.conditions == ("Pain", "Fever")


@pytest.mark.parametrize("bad_date", ["", "2020-13", "2020-02-30", "May 2020", "20-01-01"])
def test_unreadable_dates_are_missing(bad_date: str) -> None:
    raw = make_study("NCT00000004", completion=(bad_date, "ACTUAL"), first_posted=bad_date)

    record = parse_study(raw)

    assert record.completion is None
    assert record.first_posted is None


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"protocolSection": {}},
        {"protocolSection": "not a module"},
        {"protocolSection": {"identificationModule": {"briefTitle": "no id"}}},
        {"protocolSection": {"identificationModule": {"nctId": 123}}},
        {"protocolSection": {"identificationModule": {"nctId": "  "}}},
        {"protocolSection": {"identificationModule": {"nctId": "not-an-id"}}},
        ["not", "an", "object"],
    ],
)
def test_study_without_usable_id_is_malformed(raw: Any) -> None:
    with pytest.raises(MalformedStudy):
        parse_study(raw)


def test_nct_id_is_normalised_to_upper_case() -> None:
    raw = {"protocolSection": {"identificationModule": {"nctId": " nct01234567 "}}}

    assert parse_study(raw).nct_id == "NCT01234567"


def test_version_reads_data_timestamp_and_tolerates_junk() -> None:
    version = parse_version({"apiVersion": "2.0.5", "dataTimestamp": "2026-03-25T09:00:05"})

    assert version.api_version == "2.0.5"
    assert version.data_timestamp == "2026-03-25T09:00:05"
    assert parse_version({"dataTimestamp": 5}).data_timestamp is None
    assert parse_version(["junk"]).api_version is None


@pytest.mark.parametrize(
    ("nct_id", "verified", "last_update", "last_known"),
    [
        ("NCT03475563", "2019-11", "2019-11-27", "RECRUITING"),
        ("NCT04207047", "2019-12", "2019-12-20", "ACTIVE_NOT_RECRUITING"),
    ],
)
def test_an_unknown_status_keeps_the_verified_date_that_explains_it(
    nct_id: str, verified: str, last_update: str, last_known: str
) -> None:
    record = parse_study(sample(nct_id))

    assert record.overall_status == "UNKNOWN"
    assert record.last_known_status == last_known
    assert str(record.status_verified) == verified
    assert str(record.last_update_posted) == last_update


def test_enrollment_99999999_is_the_registrys_unknown() -> None:
    assert parse_study(make_study("NCT00000001", enrollment=99_999_999)).enrollment is None
    assert parse_study(make_study("NCT00000001", enrollment=99_999_998)).enrollment == 99_999_998


def test_aliases_are_kept_in_upper_case() -> None:
    raw = make_study("NCT00000007", aliases=["nct00000001", "NCT00000002"])

    assert parse_study(raw).aliases == ("NCT00000001", "NCT00000002")


@pytest.mark.parametrize(
    "timestamp",
    [
        "not a timestamp",
        "2026-11-25T09:00:00" * 20,
        "2026-11-25T09:00:00\x00",
        "2026-11-25T09:00:00\ud800",
        "2026-13-45T09:00:00",
        "\uff12\uff10\uff12\uff16-11-25",
        "",
        None,
    ],
)
def test_a_data_timestamp_that_is_not_a_timestamp_is_none(timestamp: str | None) -> None:
    assert parse_version({"dataTimestamp": timestamp}).data_timestamp is None


@pytest.mark.parametrize(
    "timestamp", ["2026-03-25T09:00:05", "2026-03-25", "2026-03-25T09:00:05.123Z"]
)
def test_plain_iso_data_timestamps_are_kept_as_given(timestamp: str) -> None:
    assert parse_version({"dataTimestamp": timestamp}).data_timestamp == timestamp


def test_bodies_decode_alike_with_lone_surrogates_and_without() -> None:
    page = {"studies": [{"title": "Café \u00e9 ✓", "n": 3, "x": None}], "nextPageToken": "t"}
    assert decode_json(json.dumps(page).encode()) == page
    assert decode_json(b'{"title": "GET73 \\ud800 in alcohol"}') == {
        "title": "GET73 \ud800 in alcohol"
    }
    with pytest.raises(ValueError, match="Expecting"):
        decode_json(b'{"studies": [')
