"""The real client against the fake ClinicalTrials.gov over real HTTP, through every fault.

Fault delays stay tiny (a 0.2 s slow answer against a 0.1 s read timeout); the client's
own pauses go to a recorder, so nothing else sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from ctgov_builders import make_study, nct
from ctgov_fixtures import SleepRecorder

from tracker.ctgov import CtgovClient, StudyQuery
from tracker.errors import ApiRequestRejected, ApiUnavailable
from tracker.fake_registry import FakeCtgov, Fault

LIVER = StudyQuery(conditions=("liver cancer", "hepatocellular carcinoma"))
CORPUS_SIZE = 9

MakeClient = Callable[..., CtgovClient]


@pytest.fixture
def liver_fake(fake_ctgov: FakeCtgov) -> FakeCtgov:
    """Nine liver-cancer studies and two others that must never be returned."""
    for number in range(1, CORPUS_SIZE + 1):
        condition = "Liver Cancer" if number % 2 else "Hepatocellular Carcinoma"
        fake_ctgov.put_study(make_study(nct(number * 10), conditions=[condition]))
    fake_ctgov.put_study(make_study(nct(5), conditions=["Asthma"]))
    fake_ctgov.put_study(make_study(nct(15), conditions=["Gout"], title="Liver enzymes in gout"))
    return fake_ctgov


@pytest.fixture
def client(liver_fake: FakeCtgov, make_client: MakeClient) -> CtgovClient:
    return make_client(liver_fake.url, page_size=2, timeout=(1.0, 0.1))


def expected_ids() -> list[str]:
    return [nct(number * 10) for number in range(1, CORPUS_SIZE + 1)]


def walk_ids(client: CtgovClient, query: StudyQuery = LIVER) -> list[str]:
    return [study.nct_id for study in client.iter_studies(query)]


def test_walk_returns_every_matching_study_exactly_once(
    client: CtgovClient, liver_fake: FakeCtgov
) -> None:
    assert walk_ids(client) == expected_ids()
    assert client.stats.total_count == CORPUS_SIZE
    assert client.requests_made == 5
    assert [path for path, _ in liver_fake.requests] == ["/studies"] * 5


def test_walk_ending_on_a_full_page_asks_for_the_empty_page_after_it(
    liver_fake: FakeCtgov, make_client: MakeClient
) -> None:
    client = make_client(liver_fake.url, page_size=3)

    pages = list(client.iter_pages(LIVER))

    assert [len(page) for page in pages] == [3, 3, 3]
    assert client.requests_made == 4
    assert liver_fake.corpus.page(liver_fake.requests[-1][1]) == {"studies": []}
    assert client.last_walk.complete


@pytest.mark.parametrize(
    "fault",
    [
        Fault.too_many_requests(retry_after=1),
        Fault.too_many_requests(retry_after="Wed, 21 Oct 2026 07:28:00 GMT"),
        Fault.forbidden(),
        Fault.unavailable(),
        Fault.http(502, "Bad Gateway"),
        Fault.slow(0.2),
        Fault.truncated(),
        Fault.drop(),
        Fault.not_json(),
    ],
    ids=["429", "429-date", "403", "503", "502", "slow", "truncated", "drop", "not-json"],
)
def test_each_fault_mid_walk_is_survived_without_loss_or_repeat(
    client: CtgovClient, liver_fake: FakeCtgov, fault: Fault
) -> None:
    pages = client.iter_pages(LIVER)
    seen = [study.nct_id for study in next(pages)]

    liver_fake.inject(fault)
    seen += [study.nct_id for page in pages for study in page]

    assert seen == expected_ids()
    assert client.retries == 1
    assert len(liver_fake.faults) == 0


def test_429_waits_as_long_as_the_fake_asks(
    client: CtgovClient, liver_fake: FakeCtgov, sleeps: SleepRecorder
) -> None:
    liver_fake.inject(Fault.too_many_requests(retry_after=3), times=3)

    assert walk_ids(client) == expected_ids()
    assert sleeps.calls == [3.0, 3.0, 3.0]


def test_faults_in_a_row_each_cost_one_attempt_of_the_budget(
    liver_fake: FakeCtgov, make_client: MakeClient
) -> None:
    client = make_client(liver_fake.url, page_size=2, timeout=(1.0, 0.1), max_attempts=6)
    for fault in (
        Fault.too_many_requests(retry_after=0),
        Fault.unavailable(),
        Fault.slow(0.2),
        Fault.truncated(),
        Fault.drop(),
    ):
        liver_fake.inject(fault)

    assert walk_ids(client) == expected_ids()
    assert client.retries == 5


def test_always_503_ends_in_a_clear_error_after_the_retry_budget(
    liver_fake: FakeCtgov, make_client: MakeClient
) -> None:
    liver_fake.inject(Fault.unavailable(), times=10)
    client = make_client(liver_fake.url, max_attempts=3)

    with pytest.raises(ApiUnavailable, match=r"after 3 attempts; last: HTTP 503") as caught:
        walk_ids(client)

    assert "GET /studies [query.cond=" in str(caught.value)
    assert len(liver_fake.requests) == 3


def test_data_refresh_mid_walk_restarts_and_yields_no_study_twice(
    client: CtgovClient, liver_fake: FakeCtgov
) -> None:
    pages = client.iter_pages(LIVER)
    first = [study.nct_id for study in next(pages)]

    liver_fake.put_study(make_study(nct(1), conditions=["liver cancer"]))
    liver_fake.set_data_timestamp("2026-03-26T09:00:05")
    rest = [study.nct_id for page in pages for study in page]

    assert first == [nct(10), nct(20)]
    assert sorted(first + rest) == sorted([nct(1), *expected_ids()])
    assert len(first + rest) == len(set(first + rest))
    assert client.stats.walk_restarts == 1


def test_a_400_from_the_fake_is_final_and_carries_its_text(
    liver_fake: FakeCtgov, make_client: MakeClient
) -> None:
    client = make_client(liver_fake.url)
    liver_fake.inject(Fault.http(400, "Invalid query.cond: bad expression"))

    with pytest.raises(ApiRequestRejected, match=r"Invalid query\.cond: bad expression"):
        walk_ids(client)
    assert len(liver_fake.requests) == 1


def test_topic_filters_reach_the_fake(liver_fake: FakeCtgov, make_client: MakeClient) -> None:
    liver_fake.put_study(
        make_study(
            nct(91),
            conditions=["liver cancer"],
            study_type="OBSERVATIONAL",
            last_update="2026-11-20",
        )
    )
    liver_fake.put_study(make_study(nct(92), conditions=["liver cancer"], last_update="2026-11"))
    query = StudyQuery(
        conditions=("liver cancer",),
        study_types=("OBSERVATIONAL", "EXPANDED_ACCESS"),
        updated_since=date(2026, 11, 1),
    )

    assert walk_ids(make_client(liver_fake.url), query) == [nct(91)]


def test_single_study_unknown_and_aliased(liver_fake: FakeCtgov, make_client: MakeClient) -> None:
    client = make_client(liver_fake.url)
    liver_fake.alias(nct(7), nct(70))

    assert client.get_study(nct(9)) is None
    aliased = client.get_study(nct(7))
    assert aliased is not None
    assert aliased.nct_id == nct(70)
    assert aliased.conditions == ("Liver Cancer",)
    assert client.requests_made == 3


def test_alias_recorded_in_the_study_itself_redirects(
    fake_ctgov: FakeCtgov, make_client: MakeClient
) -> None:
    fake_ctgov.put_study(make_study(nct(2), aliases=[nct(1)]))

    study = make_client(fake_ctgov.url).get_study("nct1")

    assert study is not None
    assert (study.nct_id, study.aliases) == (nct(2), (nct(1),))


def test_single_study_survives_a_dropped_connection(
    liver_fake: FakeCtgov, make_client: MakeClient
) -> None:
    liver_fake.inject(Fault.drop(path="/studies/*"))

    assert make_client(liver_fake.url).get_study(nct(10)) is not None


def test_version_tells_a_refresh_apart(fake_ctgov: FakeCtgov, make_client: MakeClient) -> None:
    client = make_client(fake_ctgov.url)
    before = client.version()

    fake_ctgov.set_data_timestamp("2026-12-01T09:00:00")

    assert before.data_timestamp != client.version().data_timestamp
    assert client.version().data_timestamp == "2026-12-01T09:00:00"
