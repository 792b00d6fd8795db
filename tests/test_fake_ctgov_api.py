"""The fake answers like ClinicalTrials.gov API v2 for the parameters the client sends."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from ctgov_builders import make_study, nct, study_id

from tracker.ctgov.query import FIELDS_PARAM
from tracker.fake_registry import FakeCtgov, Fault, load_corpus, serve
from tracker.fake_registry.corpus import Quirks
from tracker.fake_registry.essie import EssieError, parse
from tracker.fake_registry.faults import EXPIRED_TOKEN

SAMPLES = Path(__file__).parent / "data" / "ctgov"


@pytest.fixture
def fake(fake_ctgov: FakeCtgov) -> FakeCtgov:
    studies = [
        make_study(
            nct(1),
            title="MSC infusion for liver cancer",
            conditions=["Hepatocellular Carcinoma"],
            interventions=[("BIOLOGICAL", "Mesenchymal stem cells", ["MSC"])],
            study_type="INTERVENTIONAL",
            last_update="2026-11-03",
        ),
        make_study(
            nct(2),
            conditions=["Liver Cancer"],
            interventions=["sorafenib"],
            study_type="OBSERVATIONAL",
            last_update="2026-10",
        ),
        make_study(
            nct(3),
            conditions=["Asthma"],
            keywords=["liver function"],
            interventions=["salbutamol"],
            summary="Checks transaminases in cancer-free adults",
            last_update="2025",
        ),
        make_study(nct(4), conditions=["Gout"], study_type="EXPANDED_ACCESS"),
    ]
    for study in studies:
        fake_ctgov.put_study(study)
    return fake_ctgov


def get(fake: FakeCtgov, path: str, **params: str) -> requests.Response:
    return requests.get(fake.url + path, params=params, timeout=5)


def found(fake: FakeCtgov, **params: str) -> list[str]:
    response = get(fake, "/studies", fields="NCTId", **params)
    assert response.status_code == 200, response.text
    return [study_id(study) for study in response.json()["studies"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"query.cond": "asthma"}, [3]),
        ({"query.cond": '"liver cancer"'}, [1, 2]),
        ({"query.cond": '"liver cancer" OR gout'}, [1, 2, 4]),
        ({"query.cond": "liver"}, [1, 2, 3]),
        ({"query.cond": "LIVER AND NOT asthma"}, [1, 2]),
        ({"query.cond": "(liver OR gout) cancer"}, [1, 2]),
        ({"query.cond": '"cancer liver"'}, []),
        ({"query.intr": '"mesenchymal stem cell"'}, [1]),
        ({"query.intr": "MSC OR sorafenib"}, [1, 2]),
        ({"query.intr": '"Arm 1"'}, [1, 2, 3]),
        ({"query.term": "transaminases"}, [3]),
        ({"query.cond": "liver", "query.intr": "sorafenib"}, [2]),
        ({"filter.advanced": "AREA[StudyType]INTERVENTIONAL"}, [1, 3]),
        (
            {"filter.advanced": "(AREA[StudyType]OBSERVATIONAL OR AREA[StudyType]EXPANDED_ACCESS)"},
            [2, 4],
        ),
        ({"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-11-01,MAX]"}, [1]),
        ({"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-10-31,MAX]"}, [1, 2]),
        ({"filter.advanced": "AREA[LastUpdatePostDate]RANGE[MIN,2025-06-30]"}, [3, 4]),
        (
            {
                "query.cond": "liver",
                "filter.advanced": (
                    "AREA[StudyType]INTERVENTIONAL AND "
                    "AREA[LastUpdatePostDate]RANGE[2026-01-01,MAX]"
                ),
            },
            [1],
        ),
        ({"filter.ids": f"{nct(4)},{nct(2)}"}, [2, 4]),
        ({"filter.overallStatus": "RECRUITING|COMPLETED"}, [1, 2, 3, 4]),
        ({"filter.overallStatus": "COMPLETED"}, []),
    ],
)
def test_search_and_filters_select_studies(
    fake: FakeCtgov, params: dict[str, str], expected: list[int]
) -> None:
    assert found(fake, **params) == [nct(number) for number in expected]


def test_pages_are_ordered_by_id_and_full_pages_offer_a_token(fake: FakeCtgov) -> None:
    first = get(fake, "/studies", pageSize="2", countTotal="true").json()
    second = get(fake, "/studies", pageSize="2", pageToken=first["nextPageToken"]).json()
    third = get(fake, "/studies", pageSize="2", pageToken=second["nextPageToken"]).json()

    assert first["totalCount"] == 4
    assert "totalCount" not in second
    assert [study_id(s) for s in second["studies"]] == [
        nct(3),
        nct(4),
    ]
    assert third == {"studies": []}


def test_page_size_defaults_to_ten_and_is_capped_at_a_thousand(fake_ctgov: FakeCtgov) -> None:
    for number in range(1, 1003):
        fake_ctgov.put_study(make_study(nct(number)))

    assert len(get(fake_ctgov, "/studies").json()["studies"]) == 10
    assert len(get(fake_ctgov, "/studies", pageSize="5000").json()["studies"]) == 1000


def test_fields_prune_to_the_pieces_asked(fake: FakeCtgov) -> None:
    fields = "NCTId,InterventionType,InterventionName,InterventionOtherName,LastUpdatePostDate"
    study = get(fake, f"/studies/{nct(1)}", fields=f"{fields},LeadSponsorName,HasResults").json()

    assert set(study) == {"protocolSection", "hasResults"}
    protocol = study["protocolSection"]
    assert "descriptionModule" not in protocol
    assert protocol["armsInterventionsModule"] == {
        "interventions": [
            {"type": "BIOLOGICAL", "name": "Mesenchymal stem cells", "otherNames": ["MSC"]}
        ]
    }
    assert protocol["statusModule"]["lastUpdatePostDateStruct"] == {"date": "2026-11-03"}
    assert protocol["sponsorCollaboratorsModule"] == {
        "leadSponsor": {"name": "Example University Hospital"}
    }


def test_every_piece_the_tracker_asks_for_is_known_and_kept(fake: FakeCtgov) -> None:
    response = get(fake, f"/studies/{nct(1)}", fields=FIELDS_PARAM)

    assert response.status_code == 200
    arms = response.json()["protocolSection"]["armsInterventionsModule"]
    assert arms["armGroups"][0]["type"] == "EXPERIMENTAL"
    assert arms["interventions"][0]["armGroupLabels"] == ["Arm 1"]


def test_fields_accept_dotted_paths_and_pipes(fake: FakeCtgov) -> None:
    study = get(fake, f"/studies/{nct(2)}", fields="protocolSection.conditionsModule|NCTId").json()

    assert study == {
        "protocolSection": {
            "identificationModule": {"nctId": nct(2)},
            "conditionsModule": {"conditions": ["Liver Cancer"]},
        }
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "LastUpdatePostDate"}, "Unknown parameter: sort"),
        ({"fields": "NCTId,Bogus"}, "Parameter 'fields' contains invalid field name: 'Bogus'"),
        ({"query.cond": '"unclosed'}, "Invalid query.cond"),
        ({"query.cond": "(liver"}, "Invalid query.cond"),
        ({"query.term": "liver OR"}, "Invalid query.term"),
        ({"filter.advanced": "AREA[Nope]x"}, "AREA[Nope]"),
        ({"filter.advanced": "RANGE[2020,MAX]"}, "needs an AREA"),
        ({"filter.advanced": "AREA[StartDate]RANGE[soon,MAX]"}, "not a date"),
        ({"pageSize": "-1"}, "pageSize"),
        ({"countTotal": "yes"}, "countTotal"),
        ({"format": "csv"}, "format=json"),
        ({"pageToken": "%%%"}, "Invalid pageToken"),
    ],
)
def test_bad_requests_are_400_with_a_plain_text_reason(
    fake: FakeCtgov, params: dict[str, str], message: str
) -> None:
    response = get(fake, "/studies", **params)

    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert message in response.text


def test_tokens_expire_when_the_data_refresh(fake: FakeCtgov) -> None:
    token = get(fake, "/studies", pageSize="1").json()["nextPageToken"]

    fake.set_data_timestamp("2026-03-26T09:00:00")
    response = get(fake, "/studies", pageSize="1", pageToken=token)

    assert response.status_code == 400
    assert "expired" in response.text


def test_a_token_belongs_to_its_query(fake: FakeCtgov) -> None:
    token = get(fake, "/studies", pageSize="1").json()["nextPageToken"]

    response = get(fake, "/studies", pageSize="1", pageToken=token, **{"query.cond": "gout"})

    assert response.status_code == 400
    assert "does not belong" in response.text


def test_single_study_lookup_normalises_ids(fake: FakeCtgov) -> None:
    assert get(fake, "/studies/nct0000001").status_code == 200
    assert get(fake, "/studies/NCT1").json()["protocolSection"]["identificationModule"][
        "nctId"
    ] == (nct(1))
    assert get(fake, "/studies/NCT09999999").status_code == 404
    assert get(fake, "/studies/banana").status_code == 400


def test_alias_answers_301_keeping_the_query(fake: FakeCtgov) -> None:
    fake.alias(nct(8), nct(2))

    response = requests.get(
        f"{fake.url}/studies/{nct(8)}", params={"fields": "NCTId"}, timeout=5, allow_redirects=False
    )

    assert response.status_code == 301
    assert response.headers["Location"] == f"/api/v2/studies/{nct(2)}?fields=NCTId"


def test_removed_study_is_gone(fake: FakeCtgov) -> None:
    fake.remove_study(nct(3))

    assert get(fake, f"/studies/{nct(3)}").status_code == 404
    assert nct(3) not in found(fake)


def test_version_reports_the_data_timestamp(fake: FakeCtgov) -> None:
    fake.set_data_timestamp("2026-12-24T09:00:00")

    assert get(fake, "/version").json() == {
        "apiVersion": "2.0.5",
        "dataTimestamp": "2026-12-24T09:00:00",
    }


def test_unknown_paths_are_404(fake: FakeCtgov) -> None:
    assert get(fake, "/stats/size").status_code == 404
    assert requests.get(fake.url.removesuffix("/api/v2") + "/", timeout=5).status_code == 404


def test_bodies_are_gzipped_for_clients_that_accept_it(fake: FakeCtgov) -> None:
    response = get(fake, "/version")

    assert response.headers["Content-Encoding"] == "gzip"
    assert response.json()["apiVersion"] == "2.0.5"


def test_requests_are_logged_with_their_params(fake: FakeCtgov) -> None:
    get(fake, "/version")
    get(fake, "/studies", **{"query.cond": "gout"})

    assert fake.requests == [("/version", {}), ("/studies", {"query.cond": "gout"})]


def test_faults_wait_for_a_request_on_their_path(fake: FakeCtgov) -> None:
    fake.inject(Fault.unavailable(path="/studies/*"))
    fake.inject(Fault.too_many_requests(retry_after=7, path="/version"))

    assert get(fake, "/studies").status_code == 200
    throttled = get(fake, "/version")
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "7")
    assert get(fake, f"/studies/{nct(1)}").status_code == 503
    assert get(fake, f"/studies/{nct(1)}").status_code == 200


def test_truncated_fault_promises_more_than_it_sends(fake: FakeCtgov) -> None:
    fake.inject(Fault.truncated())

    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(fake.url + "/version", headers={"Accept-Encoding": "identity"}, timeout=5)


def test_drop_fault_hangs_up_without_an_answer(fake: FakeCtgov) -> None:
    fake.inject(Fault.drop())

    with pytest.raises(requests.ConnectionError):
        get(fake, "/version")


def test_studies_without_an_id_cannot_enter_the_corpus(fake: FakeCtgov) -> None:
    with pytest.raises(ValueError, match="nctId"):
        fake.put_study({"protocolSection": {}})


def test_stopped_fake_has_no_url() -> None:
    fake = FakeCtgov()
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.url
    fake.start()
    fake.stop()
    fake.stop()
    with pytest.raises(RuntimeError):
        _ = fake.url


@pytest.mark.parametrize(
    "expression", ["", "AND", "a OR", "NOT", "()", '"', "AREA[]x", "AREA[X]RANGE[1]", "-"]
)
def test_unreadable_expressions_are_refused(expression: str) -> None:
    with pytest.raises(EssieError):
        parse(expression)


def test_corpus_loads_studies_lists_and_pages(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps(make_study(nct(1))))
    (tmp_path / "many.json").write_text(json.dumps([make_study(nct(2)), make_study(nct(3))]))
    (tmp_path / "page.json").write_text(json.dumps({"studies": [make_study(nct(4))]}))
    (tmp_path / "notes.txt").write_text("ignored")

    studies = load_corpus(tmp_path)

    assert sorted(study_id(s) for s in studies) == [
        nct(1),
        nct(2),
        nct(3),
        nct(4),
    ]


def test_serve_runs_the_real_samples_until_stopped() -> None:
    started: list[FakeCtgov] = []
    ready = threading.Event()

    def on_ready(fake: FakeCtgov) -> None:
        started.append(fake)
        ready.set()

    thread = threading.Thread(
        target=serve, args=(SAMPLES, "127.0.0.1", 0), kwargs={"on_ready": on_ready}
    )
    thread.start()
    assert ready.wait(5)
    fake = started[0]
    try:
        answer: dict[str, Any] = get(fake, "/studies", pageSize="100", fields="NCTId").json()
        assert len(answer["studies"]) == 12
        assert get(fake, "/studies/NCT00973089").json()["hasResults"] is False
    finally:
        fake.stop()
        thread.join(5)
    assert not thread.is_alive()


def test_escaped_quotes_inside_a_phrase_are_part_of_it() -> None:
    assert parse('"the \\"so-called\\" cure"') == parse('"the so called cure"')
    assert parse('"back\\\\slash"') == parse('"back slash"')


def test_bare_all_means_every_record_and_quoted_it_is_a_word(fake: FakeCtgov) -> None:
    fake.put_study(make_study(nct(90), conditions=["ALL"]))

    everything = fake.corpus.page({"query.cond": "ALL", "pageSize": "1000"})
    quoted = fake.corpus.page({"query.cond": '"ALL"', "pageSize": "1000"})

    assert len(everything["studies"]) == len(fake.corpus) > 1
    assert [study_id(raw) for raw in quoted["studies"]] == [nct(90)]


def test_paging_quirks_repeat_rows_send_an_empty_page_and_understate_the_total(
    fake: FakeCtgov,
) -> None:
    fake.corpus.quirks = Quirks(empty_page=2, overlap=1, understate=2)
    pages, params = [], {"pageSize": "2", "countTotal": "true"}
    while True:
        body = fake.corpus.page(params)
        pages.append([study_id(raw) for raw in body["studies"]])
        if "nextPageToken" not in body:
            break
        params = {"pageSize": "2", "pageToken": body["nextPageToken"]}

    found = sorted(study_id(raw) for raw in fake.corpus.page({"pageSize": "1000"})["studies"])
    assert fake.corpus.page({"countTotal": "true"})["totalCount"] == len(found) - 2
    assert pages[1] == []
    assert pages[2][0] == pages[0][-1]
    assert sorted({i for page in pages for i in page}) == found


def test_an_expired_token_fault_waits_for_a_continuation(fake: FakeCtgov) -> None:
    fake.inject(Fault.expired_token(500))
    url = f"{fake.url}/studies"

    first = requests.get(url, params={"pageSize": "1"}, timeout=5)
    second = requests.get(
        url, params={"pageSize": "1", "pageToken": first.json()["nextPageToken"]}, timeout=5
    )

    assert first.status_code == 200
    assert (second.status_code, second.text) == (500, EXPIRED_TOKEN)
