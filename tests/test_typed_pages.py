"""A `/studies` page decoded straight into typed pieces gives the very records that
`parse_study` builds from the same JSON, and a page that does not fit the types is read
the tolerant way instead."""

from __future__ import annotations

import json
from dataclasses import astuple, replace
from hashlib import sha256
from pathlib import Path
from typing import Any

import orjson
import pytest
import responses
from ctgov_builders import make_study
from ctgov_fixtures import MOCK_API_URL

from tracker.ctgov import CtgovClient, StudyQuery, parse_study
from tracker.ctgov.typed import TypedStudy, decode_page, record_of

DATA = Path(__file__).parent / "data"
REAL = sorted(
    [*(DATA / "ctgov").glob("NCT*.json"), *(DATA / "relevance" / "records").glob("*.json")]
)


def _page(*studies: dict[str, Any], token: str | None = None) -> bytes:
    body: dict[str, Any] = {"studies": list(studies), "totalCount": len(studies)}
    if token is not None:
        body["nextPageToken"] = token
    return orjson.dumps(body)


def _same_record(raw: dict[str, Any]) -> None:
    page = decode_page(_page(raw))
    (typed,) = page["studies"]
    assert isinstance(typed, TypedStudy)
    record = record_of(typed)
    assert astuple(replace(record, source_hash=None)) == astuple(parse_study(raw))
    assert record.source_hash == sha256(orjson.dumps(raw)).hexdigest()


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_every_real_record_decodes_typed_to_what_parse_study_builds(path: Path) -> None:
    _same_record(json.loads(path.read_text(encoding="utf-8")))


def test_the_real_records_are_many_and_all_typed() -> None:
    raws = [json.loads(path.read_text(encoding="utf-8")) for path in REAL]
    page = decode_page(_page(*raws, token="next"))

    assert len(REAL) > 90
    assert all(isinstance(study, TypedStudy) for study in page["studies"])
    assert (page["nextPageToken"], page["totalCount"]) == ("next", len(raws))


@pytest.mark.parametrize(
    "raw",
    [
        {"protocolSection": {"identificationModule": {"nctId": "nct00000001"}}},
        make_study("NCT00000002", title="  padded title  ", acronym="   ", enrollment=99_999_999),
        make_study(
            "NCT00000003",
            conditions=[" Asthma ", ""],
            keywords=["  "],
            interventions=[{"type": "DRUG", "name": "   "}, {"name": "aspirin"}],
            references=[{"type": "RESULT"}, {"pmid": " 123 ", "type": "RESULT"}],
            outcomes=[("  ", "1 year"), ("FEV1", "12 weeks")],
        ),
        {
            "protocolSection": {"identificationModule": {"nctId": "NCT00000004"}},
            "resultsSection": {"participantFlowModule": {}},
        },
        {
            "protocolSection": {
                "identificationModule": {"nctId": "NCT00000005"},
                "armsInterventionsModule": {"armGroups": [{"type": "EXPERIMENTAL"}]},
                "designModule": {"designInfo": {"maskingInfo": {}}},
            },
            "derivedSection": {"conditionBrowseModule": {"meshes": [{}, {"term": " Asthma "}]}},
        },
    ],
    ids=["bare-id", "blank-and-unknown", "blanks-in-lists", "results-section", "empty-pieces"],
)
def test_edge_cases_decode_typed_to_what_parse_study_builds(raw: dict[str, Any]) -> None:
    _same_record(raw)


@pytest.mark.parametrize(
    "odd",
    [
        {"designModule": {"enrollmentInfo": {"count": "40"}}},
        {"designModule": {"enrollmentInfo": {"count": True}}},
        {"conditionsModule": {"conditions": ["Asthma", None, 7]}},
        {"statusModule": {"overallStatus": 7}},
        {"statusModule": ["a", "list"]},
    ],
    ids=["count-as-text", "count-as-bool", "nulls-in-list", "status-number", "module-list"],
)
def test_a_page_that_does_not_fit_the_types_is_read_the_tolerant_way(odd: dict[str, Any]) -> None:
    raw = make_study("NCT00000006", conditions=["Asthma"])
    raw["protocolSection"] = {**raw["protocolSection"], **odd}

    page = decode_page(_page(raw))

    assert page["studies"] == [raw]
    assert parse_study(page["studies"][0]).nct_id == "NCT00000006"


def test_an_escaped_lone_surrogate_is_read_by_the_standard_library() -> None:
    body = _page(make_study("NCT00000007", title="x")).replace(b'"x"', b'"a\\ud800b"')

    (study,) = decode_page(body)["studies"]

    assert study["protocolSection"]["identificationModule"]["briefTitle"] == "a\ud800b"


@responses.activate
def test_the_client_yields_the_same_records_from_typed_and_tolerant_pages() -> None:
    good = make_study("NCT00000008", conditions=["Asthma"], enrollment=12)
    odd = make_study("NCT00000009", conditions=["Asthma"])
    odd["protocolSection"]["designModule"] = {"enrollmentInfo": {"count": "12"}}
    responses.get(f"{MOCK_API_URL}/studies", body=_page(good, odd, token="t2"))
    responses.get(f"{MOCK_API_URL}/studies", body=_page(good, {"protocolSection": {}}))

    with CtgovClient(MOCK_API_URL, rate_limit=None) as client:
        pages = list(client.iter_pages(StudyQuery(conditions=("asthma",))))
        malformed = client.stats.malformed_studies

    assert [[astuple(replace(r, source_hash=None)) for r in page] for page in pages] == [
        [astuple(parse_study(good)), astuple(parse_study(odd))]
    ]
    assert [[r.source_hash is not None for r in page] for page in pages] == [[False, False]]
    assert malformed == 1
