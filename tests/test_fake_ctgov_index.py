"""The fake's search index changes how fast `/studies` answers, never what it answers."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from ctgov_builders import make_study, nct, study_id

from tracker.fake_registry import corpus as corpus_module
from tracker.fake_registry.corpus import Corpus

SAMPLES = Path(__file__).parent / "data" / "ctgov"
CONDITIONS = [
    "Liver Cancer",
    "liver cancers",
    "Cancer of the Liver",
    "Hepatitis B",
    "Chronic Hepatitis",
    "B Cell Lymphoma",
    "Cirrhosis",
    "Asthma",
]
INTERVENTIONS: list[Any] = [
    "sorafenib",
    ("BIOLOGICAL", "Mesenchymal stem cells", ["MSC"]),
    "Placebo",
    ("BEHAVIORAL", "problem-solving therapy"),
]
DATES = ["2024", "2025-12", "2026-03", "2026-03-19", "2026-03-20", "2026-03-24"]
STATUSES = ["RECRUITING", "COMPLETED", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING"]
TYPES = ["INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"]

SEARCHES: list[dict[str, str]] = [
    {},
    {"query.cond": "cancer"},
    {"query.cond": "cancers"},
    {"query.cond": '"liver cancer"'},
    {"query.cond": '"cancer liver"'},
    {"query.cond": '"Hepatitis B" OR cirrhosis'},
    {"query.cond": "liver AND cancer"},
    {"query.cond": "liver NOT cancer"},
    {"query.cond": "NOT asthma"},
    {"query.cond": '(hepatitis OR asthma) AND NOT "B cell"'},
    {"query.cond": 'AREA[Condition]"hepatitis b"'},
    {"query.cond": "AREA[condition]cirrhosis OR AREA[ConditionMeshTerm]Dermatitis"},
    {"query.cond": "nowhere"},
    {"query.intr": "sorafenib OR MSC"},
    {"query.intr": "AREA[InterventionOtherName]MSC"},
    {"query.term": "placebo AND completed"},
    {"query.term": '"problem solving"'},
    {"query.term": 'AREA[BasicSearch]"liver cancer" OR AREA[LeadSponsorName]university'},
    {"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-03-20,MAX]"},
    {"filter.advanced": "AREA[LastUpdatePostDate]RANGE[MIN,2025]"},
    {"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-03,2026-03]"},
    {"filter.advanced": "NOT AREA[LastUpdatePostDate]RANGE[2026,MAX]"},
    {"filter.advanced": "AREA[HasResults]true OR AREA[StudyType]OBSERVATIONAL"},
    {
        "query.cond": '"Hepatitis B" OR cirrhosis',
        "filter.advanced": "(AREA[StudyType]INTERVENTIONAL OR AREA[StudyType]OBSERVATIONAL)"
        " AND AREA[LastUpdatePostDate]RANGE[2026-03-20,MAX]",
    },
    {"query.cond": "liver", "query.intr": "sorafenib", "query.term": "university"},
    {"filter.ids": f"{nct(3)},{nct(9)}|{nct(40)},NCT99999999"},
    {"filter.ids": f"{nct(3)},{nct(4)},{nct(5)}", "query.cond": "cancer"},
    {"filter.overallStatus": "RECRUITING|NOT_YET_RECRUITING"},
    {"filter.overallStatus": "COMPLETED", "query.intr": "placebo"},
]


def varied_studies() -> list[dict[str, Any]]:
    """Built studies with overlapping words, phrases and dates, and the real samples."""
    rng = random.Random(20260325)
    built = [
        make_study(
            nct(number),
            title=f"A study of {rng.choice(CONDITIONS).lower()}",
            conditions=rng.sample(CONDITIONS, rng.randint(0, 2)),
            interventions=rng.sample(INTERVENTIONS, rng.randint(0, 2)),
            status=rng.choice(STATUSES),
            study_type=rng.choice(TYPES),
            last_update=rng.choice(DATES),
            results_first_posted=rng.choice([None, "2025-06-01"]),
        )
        for number in range(1, 41)
    ]
    samples = [json.loads(path.read_text()) for path in sorted(SAMPLES.glob("*.json"))]
    return built + samples


def every_page(corpus: Corpus, search: dict[str, str]) -> list[str]:
    """The ids of a walk over all pages, as a client would make it."""
    params = {**search, "fields": "NCTId", "pageSize": "7"}
    ids: list[str] = []
    while True:
        body = corpus.page(params)
        ids += [study_id(raw) for raw in body["studies"]]
        if "nextPageToken" not in body:
            return ids
        params["pageToken"] = body["nextPageToken"]


def brute_force(studies: list[dict[str, Any]], search: dict[str, str]) -> list[str]:
    """What the corpus answered before the index: `admits` tried on every study."""
    check = corpus_module._Search(search)
    return sorted(study_id(raw) for raw in studies if check.admits(raw))


@pytest.mark.parametrize("search", SEARCHES, ids=lambda search: " & ".join(search.values()))
def test_indexed_answers_equal_a_full_scan(search: dict[str, str]) -> None:
    studies = varied_studies()

    assert every_page(Corpus(studies), search) == brute_force(studies, search)


def test_the_searches_cover_hits_misses_and_phrase_near_misses() -> None:
    studies = varied_studies()
    counts = [len(brute_force(studies, search)) for search in SEARCHES]

    assert 0 in counts
    assert any(0 < count < len(studies) for count in counts)
    assert brute_force(studies, {"query.cond": '"cancer liver"'}) == []
    assert brute_force(studies, {"query.cond": "cancer AND liver"}) != []


def test_changes_between_requests_are_reflected() -> None:
    studies = {study_id(raw): raw for raw in varied_studies()}
    corpus = Corpus(studies.values())
    for search in SEARCHES:
        every_page(corpus, search)  # index every area and keep every search

    hepatitis_b = make_study(nct(41), conditions=["Hepatitis B"], last_update="2026-03-22")
    no_longer = make_study(nct(5), conditions=["Gout"], last_update="2026-03-22")
    older = make_study(nct(6), conditions=["Cirrhosis"], last_update="2019")
    for change in (hepatitis_b, no_longer, older, nct(7)):
        if isinstance(change, str):
            corpus.remove(change)
            del studies[change]
        else:
            corpus.put(change)
            studies[study_id(change)] = change
        for search in SEARCHES:
            assert every_page(corpus, search) == brute_force(list(studies.values()), search)


def test_a_change_mid_walk_moves_later_pages_as_a_full_scan_would() -> None:
    corpus = Corpus(make_study(nct(n), conditions=["Cirrhosis"]) for n in range(10, 20))
    params = {"query.cond": "cirrhosis", "fields": "NCTId", "pageSize": "3"}
    first = corpus.page(params)

    corpus.put(make_study(nct(1), conditions=["Cirrhosis"]))
    second = corpus.page({**params, "pageToken": first["nextPageToken"]})

    assert [study_id(raw) for raw in second["studies"]] == [nct(12), nct(13), nct(14)]


def synthetic(number: int) -> dict[str, Any]:
    """A small study in the v2 shape; conditions and dates follow the number."""
    conditions = ["Hypertension"]
    if number % 100 == 0:
        conditions.append("Hepatitis B")
    if number % 150 == 0:
        conditions.append("Cirrhosis")
    if number % 90 == 0:
        conditions += ["Hepatitis C", "B Cell Lymphoma"]  # both words, not the phrase
    updated = "2026-03-25" if number % 3 == 0 else "2020-01-02"
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct(number), "briefTitle": f"Trial {number}"},
            "statusModule": {
                "overallStatus": "RECRUITING",
                "lastUpdatePostDateStruct": {"date": updated, "type": "ACTUAL"},
            },
            "conditionsModule": {"conditions": conditions},
            "designModule": {"studyType": "INTERVENTIONAL"},
        },
        "hasResults": False,
    }


def test_a_search_of_twenty_thousand_studies_tests_only_candidates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    size = 20_000
    corpus = Corpus(synthetic(number) for number in range(1, size + 1))
    tried: list[str] = []
    admits = corpus_module._Search.admits

    def counting(search: Any, raw: dict[str, Any]) -> bool:
        tried.append(study_id(raw))
        return admits(search, raw)

    monkeypatch.setattr(corpus_module._Search, "admits", counting)
    params = {
        "query.cond": '"Hepatitis B" OR cirrhosis',
        "filter.advanced": "(AREA[StudyType]INTERVENTIONAL OR AREA[StudyType]OBSERVATIONAL)"
        " AND AREA[LastUpdatePostDate]RANGE[2026-03-20,MAX]",
        "fields": "NCTId",
        "pageSize": "50",
        "countTotal": "true",
    }

    first = corpus.page(params)
    second = corpus.page({**params, "pageToken": first["nextPageToken"]})

    expected = [nct(n) for n in range(1, size + 1) if n % 3 == 0 and (n % 100 == 0 or n % 150 == 0)]
    near_misses = [nct(n) for n in range(1, size + 1) if n % 3 == 0 and n % 90 == 0]
    assert first["totalCount"] == len(expected)
    assert [study_id(raw) for raw in first["studies"] + second["studies"]] == expected[:100]
    assert sorted(tried) == sorted(set(expected) | set(near_misses))
