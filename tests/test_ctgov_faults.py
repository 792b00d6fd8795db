"""The client against a mocked transport: exact requests, paging quirks, every fault.

`responses` answers in strict order (see `mocked_api`), so each test also pins how many
requests the client made. Nothing sleeps: the client's `sleep` is a recorder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import requests
import responses
from ctgov_builders import make_page, make_study, nct
from ctgov_fixtures import MOCK_API_URL, SleepRecorder
from responses import matchers

from tracker.ctgov import CtgovClient, StudyQuery
from tracker.ctgov.client import MAX_WALK_RESTARTS, USER_AGENT, describe
from tracker.ctgov.query import FIELDS_PARAM
from tracker.ctgov.retry import (
    BACKOFF_CAP,
    RETRY_AFTER_CAP,
    THROTTLE_BUDGET,
    THROTTLE_WAIT_CAP,
    backoff_delay,
)
from tracker.errors import (
    ApiError,
    ApiRefused,
    ApiRequestRejected,
    ApiUnavailable,
    ApiUnreachable,
    ConfigError,
)

STUDIES = f"{MOCK_API_URL}/studies"
ASTHMA = StudyQuery(conditions=("asthma",))
ASTHMA_PARAMS = ASTHMA.params()

MakeClient = Callable[..., CtgovClient]


def page_params(token: str | None = None, **extra: str) -> Any:
    params = {**ASTHMA_PARAMS, **extra}
    if token is not None:
        params["pageToken"] = token
    return [matchers.query_param_matcher(params)]


def add_page(mock: responses.RequestsMock, ids: list[int], **kwargs: Any) -> None:
    token_in = kwargs.pop("token_in", None)
    mock.get(
        STUDIES,
        json=make_page([make_study(nct(i)) for i in ids], **kwargs),
        match=page_params(token_in),
    )


def add_fault(mock: responses.RequestsMock, url: str = STUDIES, **kwargs: Any) -> None:
    mock.add(responses.GET, url, **kwargs)


def ids_of(pages: list[list[Any]]) -> list[list[str]]:
    return [[record.nct_id for record in page] for page in pages]


# --- requests as sent ------------------------------------------------------------------


def test_first_page_sends_the_topic_params_and_polite_headers(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1, 2])

    studies = list(make_client().iter_studies(ASTHMA))

    assert [study.nct_id for study in studies] == [nct(1), nct(2)]
    sent = mocked_api.calls[0].request
    assert sent.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("claim-trial-tracker/")
    assert sent.headers["Accept"] == "application/json"
    assert "gzip" in sent.headers["Accept-Encoding"]
    assert sent.req_kwargs["timeout"] == (10.0, 60.0)


def test_liver_topic_goes_on_the_wire_exactly(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    query = StudyQuery(
        conditions=("hepatocellular carcinoma", "liver cancer"),
        interventions=("mesenchymal stem cell", "MSC"),
        study_types=("INTERVENTIONAL",),
        updated_since=date(2026, 11, 1),
    )
    wire = {
        "query.cond": '"hepatocellular carcinoma" OR "liver cancer"',
        "query.intr": '"mesenchymal stem cell" OR MSC',
        "filter.advanced": (
            "AREA[StudyType]INTERVENTIONAL AND AREA[LastUpdatePostDate]RANGE[2026-11-01,MAX]"
        ),
        "fields": FIELDS_PARAM,
        "pageSize": "1000",
        "countTotal": "true",
    }
    mocked_api.get(STUDIES, json=make_page([]), match=[matchers.query_param_matcher(wire)])

    assert list(make_client().iter_pages(query)) == []
    sent = mocked_api.calls[0].request.url
    assert sent.startswith(f"{STUDIES}?query.cond=%22hepatocellular+carcinoma%22+OR+")


def test_walk_follows_next_page_tokens_until_the_last_page(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1, 2], next_token="t1", total=5)
    add_page(mocked_api, [3, 4], next_token="t2", token_in="t1")
    add_page(mocked_api, [5], token_in="t2")
    client = make_client()

    pages = list(client.iter_pages(ASTHMA))

    assert ids_of(pages) == [[nct(1), nct(2)], [nct(3), nct(4)], [nct(5)]]
    assert client.requests_made == 3
    assert client.stats.total_count == 5


def test_pages_are_streamed_not_fetched_ahead(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1], next_token="t1")
    add_page(mocked_api, [2], token_in="t1")
    pages = make_client().iter_pages(ASTHMA)

    next(pages)
    assert len(mocked_api.calls) == 1
    next(pages)
    assert len(mocked_api.calls) == 2


def test_client_page_size_overrides_the_default(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_fault(mocked_api, json=make_page([]), match=page_params(pageSize="2"))

    assert list(make_client(page_size=2).iter_pages(ASTHMA)) == []


# --- paging quirks -----------------------------------------------------------------------


def test_empty_page_after_an_exactly_full_page_ends_the_walk(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1, 2], next_token="t1")
    add_page(mocked_api, [], token_in="t1")

    pages = list(make_client().iter_pages(ASTHMA))

    assert ids_of(pages) == [[nct(1), nct(2)]]


def test_walk_reaching_the_total_count_still_follows_the_token_to_the_end(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1, 2], next_token="t1", total=2)
    add_page(mocked_api, [3, 4], next_token="t2", token_in="t1")
    add_page(mocked_api, [], token_in="t2")
    client = make_client()

    pages = list(client.iter_pages(ASTHMA))

    assert ids_of(pages) == [[nct(1), nct(2)], [nct(3), nct(4)]]
    assert client.requests_made == 3
    assert (client.last_walk.complete, client.last_walk.distinct) == (True, 4)
    assert client.last_walk.describe() == ""


def test_empty_page_that_still_offers_a_token_does_not_end_the_walk(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1], next_token="t1", total=2)
    add_page(mocked_api, [], next_token="t2", token_in="t1")
    add_page(mocked_api, [2], token_in="t2")
    client = make_client()

    assert ids_of(list(client.iter_pages(ASTHMA))) == [[nct(1)], [nct(2)]]
    assert client.last_walk.complete


def test_overlapping_pages_count_distinct_studies_and_a_short_walk_says_so(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1, 2, 3], next_token="t1", total=5)
    add_page(mocked_api, [2, 3, 4], token_in="t1")
    client = make_client()

    assert ids_of(list(client.iter_pages(ASTHMA))) == [[nct(1), nct(2), nct(3)], [nct(4)]]
    assert client.last_walk.complete
    assert client.last_walk.short
    assert client.last_walk.describe() == "walk ended with 4 distinct studies of the 5 announced"


def test_a_token_offered_twice_ends_the_walk_incomplete_instead_of_looping(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1], next_token="t1")
    add_page(mocked_api, [2], next_token="t1", token_in="t1")
    client = make_client()

    assert ids_of(list(client.iter_pages(ASTHMA))) == [[nct(1)], [nct(2)]]
    assert not client.last_walk.complete
    assert client.last_walk.describe() == (
        "walk cut off with a page token still offered after 2 distinct studies"
    )


def test_expired_token_restarts_the_walk_and_yields_no_study_twice(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_page(mocked_api, [1, 2], next_token="old-1")
    add_fault(
        mocked_api,
        status=400,
        body="The pageToken is invalid or has expired",
        match=page_params("old-1"),
    )
    add_page(mocked_api, [0, 1], next_token="new-1")
    add_page(mocked_api, [2, 3], next_token="new-2", token_in="new-1")
    add_page(mocked_api, [4], token_in="new-2")
    client = make_client()

    pages = list(client.iter_pages(ASTHMA))

    assert ids_of(pages) == [[nct(1), nct(2)], [nct(0)], [nct(3)], [nct(4)]]
    assert client.stats.walk_restarts == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, "bad request"), (500, "The pageToken has expired"), (410, "Page token unknown")],
)
def test_an_expired_token_of_any_status_restarts_the_walk_once(
    mocked_api: responses.RequestsMock, make_client: MakeClient, status: int, body: str
) -> None:
    add_page(mocked_api, [1], next_token="t1")
    add_fault(mocked_api, status=status, body=body, match=page_params("t1"))
    add_page(mocked_api, [1], next_token="u1")
    add_page(mocked_api, [2], token_in="u1")
    client = make_client()

    assert ids_of(list(client.iter_pages(ASTHMA))) == [[nct(1)], [nct(2)]]
    assert (client.stats.walk_restarts, client.retries) == (1, 0)


def test_a_token_refused_every_time_ends_in_a_rejection(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    for _ in range(MAX_WALK_RESTARTS + 1):
        add_page(mocked_api, [1], next_token="t1")
        add_fault(mocked_api, status=400, body="bad pageToken", match=page_params("t1"))
    client = make_client()

    with pytest.raises(ApiRequestRejected, match="bad pageToken"):
        list(client.iter_pages(ASTHMA))
    assert client.stats.walk_restarts == MAX_WALK_RESTARTS


def test_malformed_study_is_skipped_and_counted(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    broken = {"protocolSection": {"identificationModule": {"briefTitle": "no id"}}}
    mocked_api.get(STUDIES, json=make_page([make_study(nct(1)), broken, "junk"]))
    client = make_client()

    studies = list(client.iter_studies(ASTHMA))

    assert [study.nct_id for study in studies] == [nct(1)]
    assert client.stats.malformed_studies == 2


# --- throttling ----------------------------------------------------------------------------


def test_429_three_times_then_success_waits_as_retry_after_asks(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    for seconds in ("1", "2", "3"):
        add_fault(mocked_api, status=429, headers={"Retry-After": seconds})
    add_page(mocked_api, [1])
    client = make_client()

    studies = list(client.iter_studies(ASTHMA))

    assert [study.nct_id for study in studies] == [nct(1)]
    assert sleeps.calls == [1.0, 2.0, 3.0]
    assert (client.requests_made, client.retries) == (4, 3)


def test_retry_after_http_date_is_measured_from_the_response_date(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    add_fault(
        mocked_api,
        status=429,
        headers={
            "Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT",
            "Date": "Wed, 21 Oct 2026 07:28:00 GMT",
        },
    )
    add_page(mocked_api, [1])

    list(make_client().iter_pages(ASTHMA))

    assert sleeps.calls == [30.0]


def test_retry_after_http_date_without_date_header_uses_the_wall_clock(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    add_fault(mocked_api, status=429, headers={"Retry-After": "Mon, 21 Sep 2026 14:13:32 GMT"})
    add_page(mocked_api, [1])

    list(make_client().iter_pages(ASTHMA))

    assert sleeps.calls == [12.0]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("100000", RETRY_AFTER_CAP), ("-5", 0.0), ("soon", 1.0), ("", 1.0)],
)
def test_retry_after_is_capped_and_unreadable_values_back_off(
    mocked_api: responses.RequestsMock,
    make_client: MakeClient,
    sleeps: SleepRecorder,
    header: str,
    expected: float,
) -> None:
    add_fault(mocked_api, status=503, headers={"Retry-After": header})
    add_page(mocked_api, [1])

    list(make_client(random=lambda: 1.0).iter_pages(ASTHMA))

    assert sleeps.calls == [expected]


def test_a_long_429_run_is_waited_out_within_the_throttling_budget(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    for _ in range(6):
        add_fault(mocked_api, status=429)
    add_page(mocked_api, [1])
    client = make_client()

    assert len(list(client.iter_studies(ASTHMA))) == 1
    assert sleeps.calls == [3.75, 7.5, 15.0, 30.0, 45.0, 18.75]
    assert sleeps.total == THROTTLE_BUDGET >= 60


def test_a_429_retry_after_is_honoured_up_to_the_cap_of_one_wait(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    add_fault(mocked_api, status=429, headers={"Retry-After": "45"})
    add_fault(mocked_api, status=429, headers={"Retry-After": "600"})
    add_page(mocked_api, [1])

    list(make_client().iter_studies(ASTHMA))

    assert sleeps.calls == [45.0, THROTTLE_WAIT_CAP]


def test_429_past_the_budget_fails_after_exactly_the_budget_of_waiting(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    for _ in range(5):
        add_fault(mocked_api, status=429, headers={"Retry-After": "30"})

    with pytest.raises(ApiUnavailable, match=r"throttled \(HTTP 429\) through 120 s of waiting"):
        list(make_client().iter_studies(ASTHMA))
    assert sleeps.calls == [30.0, 30.0, 30.0, 30.0]
    assert sleeps.total == THROTTLE_BUDGET


def test_a_429_asking_for_no_wait_still_costs_a_second(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    add_fault(mocked_api, status=429, headers={"Retry-After": "0"})
    add_page(mocked_api, [1])

    list(make_client().iter_studies(ASTHMA))

    assert sleeps.calls == [1.0]


def test_403_is_tried_once_more_then_the_registry_refused_this_client(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    add_fault(mocked_api, status=403)
    add_fault(mocked_api, status=403)

    with pytest.raises(ApiRefused, match="the registry refused this client") as caught:
        list(make_client().iter_studies(ASTHMA))
    assert "HTTP 403 Forbidden, 2 times" in str(caught.value)
    assert sleeps.calls == [0.5]


def test_one_403_then_success_is_survived(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_fault(mocked_api, status=403)
    add_page(mocked_api, [1])

    assert len(list(make_client().iter_studies(ASTHMA))) == 1


# --- transient faults ----------------------------------------------------------------------


def test_always_503_gives_a_clear_error_after_exactly_n_attempts(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    for _ in range(4):
        add_fault(mocked_api, status=503, body="Service Unavailable")
    client = make_client(max_attempts=4)

    with pytest.raises(ApiUnavailable) as caught:
        list(client.iter_pages(ASTHMA))

    message = str(caught.value)
    assert "after 4 attempts" in message
    assert "HTTP 503" in message
    assert "GET /studies [query.cond=asthma; page 1]" in message
    assert FIELDS_PARAM not in message
    assert caught.value.request == "GET /studies [query.cond=asthma; page 1]"
    assert client.requests_made == 4
    assert sleeps.calls == [0.5, 1.0, 2.0]


def test_503_with_retry_after_waits_as_asked(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    add_fault(mocked_api, status=503, headers={"Retry-After": "7"})
    add_page(mocked_api, [1])

    assert len(list(make_client().iter_studies(ASTHMA))) == 1
    assert sleeps.calls == [7.0]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_are_retried(
    mocked_api: responses.RequestsMock, make_client: MakeClient, status: int
) -> None:
    add_fault(mocked_api, status=status)
    add_page(mocked_api, [1])

    assert len(list(make_client().iter_studies(ASTHMA))) == 1


@pytest.mark.parametrize(
    "fault",
    [
        requests.ConnectionError("Connection reset by peer"),
        requests.ReadTimeout("Read timed out. (read timeout=60)"),
        requests.ConnectTimeout("Connect timed out"),
        requests.exceptions.ChunkedEncodingError("IncompleteRead(1200 bytes read, 800 more)"),
        requests.exceptions.ContentDecodingError("Received response with bad gzip"),
    ],
    ids=["reset", "read-timeout", "connect-timeout", "truncated", "bad-gzip"],
)
def test_network_faults_and_truncated_bodies_are_retried(
    mocked_api: responses.RequestsMock, make_client: MakeClient, fault: Exception
) -> None:
    add_fault(mocked_api, body=fault)
    add_page(mocked_api, [1])
    client = make_client()

    assert len(list(client.iter_studies(ASTHMA))) == 1
    assert client.retries == 1


@pytest.mark.parametrize(
    "body",
    ['{"studies": [{"protocolSection"', "<html>Gateway error</html>", '["a list"]', "{}"],
    ids=["cut-json", "html", "wrong-shape", "no-studies"],
)
def test_bodies_that_are_not_a_page_are_retried(
    mocked_api: responses.RequestsMock, make_client: MakeClient, body: str
) -> None:
    add_fault(mocked_api, body=body, content_type="application/json")
    add_page(mocked_api, [1])

    assert len(list(make_client().iter_studies(ASTHMA))) == 1


def test_connection_errors_exhaust_the_budget_with_the_cause_named(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    for _ in range(2):
        add_fault(mocked_api, body=requests.ConnectionError("Name or service not known"))

    with pytest.raises(ApiUnavailable, match=r"last: cannot resolve ctgov\.test \(GET /studies"):
        list(make_client(max_attempts=2).iter_pages(ASTHMA))


def test_an_unnamed_connection_error_keeps_its_own_words(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_fault(mocked_api, body=requests.ConnectionError("the network is on fire"))

    with pytest.raises(ApiUnavailable, match="connection failed: the network is on fire"):
        list(make_client(max_attempts=1).iter_pages(ASTHMA))


def test_backoff_grows_exponentially_with_full_jitter_up_to_the_cap() -> None:
    assert [backoff_delay(n, lambda: 1.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff_delay(30, lambda: 1.0) == BACKOFF_CAP
    assert backoff_delay(3, lambda: 0.0) == 0.0


# --- answers that are final ----------------------------------------------------------------


def test_400_is_not_retried_and_carries_the_api_message(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    add_fault(
        mocked_api,
        status=400,
        body="Unknown field `Bogus` in the `fields`\n  parameter",
        content_type="text/plain",
    )
    client = make_client()

    with pytest.raises(ApiRequestRejected) as caught:
        list(client.iter_pages(ASTHMA))

    assert "HTTP 400: Unknown field `Bogus` in the `fields` parameter" in str(caught.value)
    assert "GET /studies [query.cond=asthma; page 1]" in str(caught.value)
    assert client.requests_made == 1
    assert sleeps.calls == []


@pytest.mark.parametrize("status", [400, 500])
def test_a_body_naming_a_bad_field_is_final_whatever_the_status(
    mocked_api: responses.RequestsMock, make_client: MakeClient, status: int
) -> None:
    add_fault(mocked_api, status=status, body="Parameter 'fields' contains invalid field name: 'X'")
    client = make_client()

    with pytest.raises(ApiRequestRejected, match=f"HTTP {status}: Parameter 'fields'"):
        list(client.iter_pages(ASTHMA))
    assert client.requests_made == 1


@pytest.mark.parametrize("status", [401, 404, 405, 410, 422])
def test_other_client_errors_on_a_search_are_rejections(
    mocked_api: responses.RequestsMock, make_client: MakeClient, status: int
) -> None:
    add_fault(mocked_api, status=status)

    with pytest.raises(ApiRequestRejected, match=f"HTTP {status}"):
        list(make_client().iter_pages(ASTHMA))


def test_an_unexpected_status_is_not_retried(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    add_fault(mocked_api, status=501)

    with pytest.raises(ApiUnavailable, match="unexpected HTTP 501"):
        list(make_client().iter_pages(ASTHMA))


# --- one study, version -------------------------------------------------------------------


def test_single_study_is_fetched_with_the_same_fields(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    mocked_api.get(
        f"{STUDIES}/{nct(7)}",
        json=make_study(nct(7), status="COMPLETED"),
        match=[matchers.query_param_matcher({"fields": FIELDS_PARAM})],
    )

    study = make_client().get_study(nct(7))

    assert study is not None
    assert study.overall_status == "COMPLETED"


def test_unknown_study_is_none_not_an_error(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    mocked_api.get(f"{STUDIES}/NCT09999999", status=404, body="Study not found")

    assert make_client().get_study("NCT09999999") is None


def test_alias_redirect_is_followed_to_the_current_study(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    new_url = f"{STUDIES}/{nct(2)}?fields={FIELDS_PARAM}"
    mocked_api.get(f"{STUDIES}/{nct(1)}", status=301, headers={"Location": new_url})
    mocked_api.get(f"{STUDIES}/{nct(2)}", json=make_study(nct(2), aliases=[nct(1)]))
    client = make_client()

    study = client.get_study(nct(1))

    assert study is not None
    assert study.nct_id == nct(2)
    assert study.aliases == (nct(1),)
    assert client.requests_made == 2


def test_single_study_is_retried_like_a_page(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    mocked_api.get(f"{STUDIES}/{nct(3)}", status=429, headers={"Retry-After": "2"})
    mocked_api.get(f"{STUDIES}/{nct(3)}", json=make_study(nct(3)))

    assert make_client().get_study(nct(3)) is not None
    assert sleeps.calls == [2.0]


def test_single_study_without_an_id_is_an_api_error(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    mocked_api.get(f"{STUDIES}/{nct(4)}", json={"protocolSection": {}})

    with pytest.raises(ApiError, match="unusable study"):
        make_client().get_study(nct(4))


def test_odd_ids_cannot_escape_the_studies_path(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    mocked_api.get(f"{STUDIES}/..%2Fversion", status=400, body="bad id")

    with pytest.raises(ApiRequestRejected, match="bad id"):
        make_client().get_study("../version")


def test_version_reads_the_data_timestamp(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    mocked_api.get(
        f"{MOCK_API_URL}/version",
        json={"apiVersion": "2.0.5", "dataTimestamp": "2026-03-25T09:00:05"},
    )

    version = make_client().version()

    assert version.data_timestamp == "2026-03-25T09:00:05"
    assert version.api_version == "2.0.5"


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (
            requests.ConnectionError("NameResolutionError: Name or service not known"),
            "cannot resolve",
        ),
        (requests.ConnectionError("[Errno 111] Connection refused"), "connection refused by"),
        (requests.ConnectionError("[Errno 101] Network is unreachable"), "no route to"),
        (requests.ConnectTimeout("connect timed out"), "connection timed out"),
    ],
)
def test_version_without_a_route_fails_at_once_without_retries(
    mocked_api: responses.RequestsMock,
    make_client: MakeClient,
    sleeps: SleepRecorder,
    error: Exception,
    problem: str,
) -> None:
    mocked_api.get(f"{MOCK_API_URL}/version", body=error)
    client = make_client()

    with pytest.raises(ApiUnreachable, match=f"cannot reach {MOCK_API_URL}: {problem}"):
        client.version()
    assert (client.requests_made, sleeps.calls) == (1, [])


# --- politeness and naming -----------------------------------------------------------------


def test_rate_limit_spaces_requests_across_pages_and_queries(
    mocked_api: responses.RequestsMock, make_client: MakeClient, sleeps: SleepRecorder
) -> None:
    add_page(mocked_api, [1], next_token="t1")
    add_page(mocked_api, [2], token_in="t1")
    mocked_api.get(f"{MOCK_API_URL}/version", json={})
    client = make_client(rate_limit=30, clock=lambda: 500.0)

    list(client.iter_pages(ASTHMA))
    client.version()

    assert sleeps.calls == [2.0, 4.0]


def test_client_closes_its_session_as_a_context_manager(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    mocked_api.get(f"{MOCK_API_URL}/version", json={"dataTimestamp": "2026-01-02T09:00:00"})
    closed: list[bool] = []

    class Session(requests.Session):
        def close(self) -> None:
            closed.append(True)
            super().close()

    with make_client(session=Session()) as client:
        assert client.version().data_timestamp == "2026-01-02T09:00:00"

    assert closed == [True]


def test_trailing_slash_in_the_base_url_is_harmless(
    mocked_api: responses.RequestsMock, make_client: MakeClient
) -> None:
    mocked_api.get(f"{MOCK_API_URL}/version", json={})

    make_client(f"{MOCK_API_URL}/").version()

    [call] = mocked_api.calls
    assert call.request.url == f"{MOCK_API_URL}/version"


def test_request_names_are_short_even_for_long_topics() -> None:
    query = StudyQuery(conditions=tuple(f"condition number {n}" for n in range(30)))

    name = describe("/studies", query.params(), "page 3")

    assert name.startswith('GET /studies [query.cond="condition number 0" OR ')
    assert name.endswith("…; page 3]")
    assert len(name) < 160


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1001}, "page_size"),
    ],
)
def test_impossible_settings_are_refused(options: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CtgovClient(**options)


@pytest.mark.parametrize("url", ["clinicaltrials.gov/api/v2", "ftp://example.org/api", ""])
def test_a_base_url_that_is_not_http_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigError, match="must be http"):
        CtgovClient(url)
