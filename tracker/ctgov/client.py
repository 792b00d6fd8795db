"""The ClinicalTrials.gov API v2 client: polite, paged, and hard to break.

It knows URLs, paging, throttling and retries, and nothing of the database. Every request
waits its turn at the rate limiter, is retried as `tracker.ctgov.retry` says, and ends
either in parsed JSON or in one of our errors (`requests` exceptions never leave this
module):

- `ApiUnavailable` when the retry budget is spent, naming the request and the last cause;
- `ApiRequestRejected` for a 4xx that retrying cannot fix, carrying the API's own text.

Paging absorbs the service's known quirks: a `nextPageToken` after an exactly full page
followed by an empty page ends the walk quietly; a page token rejected with 400 (tokens
expire when the data refresh mid-walk) restarts the walk from the first page, and no study
is yielded twice in one walk. A study without a usable NCT id is logged, counted in
`stats.malformed_studies` and skipped.
"""

from __future__ import annotations

import logging
import random as random_module
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

import tracker
from tracker.config import DEFAULT_API_URL, DEFAULT_RATE_LIMIT
from tracker.ctgov.parse import MalformedStudy, parse_study, parse_version
from tracker.ctgov.query import FIELDS_PARAM, MAX_PAGE_SIZE, StudyQuery
from tracker.ctgov.ratelimit import RateLimiter
from tracker.ctgov.records import ApiVersion, StudyRecord
from tracker.ctgov.retry import (
    DEFAULT_MAX_ATTEMPTS,
    RETRY_STATUSES,
    backoff_delay,
    retry_after_delay,
)
from tracker.errors import ApiError, ApiRequestRejected, ApiUnavailable, ConfigError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
"""Seconds to connect, and to wait for each read of the response."""

MAX_WALK_RESTARTS = 3
"""How many times one walk may start over after its page token was rejected."""

USER_AGENT = (
    f"claim-trial-tracker/{tracker.__version__} "
    f"(evidence tracker for health-article claims) python-requests/{requests.__version__}"
)
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"}
_DESCRIBED_PARAMS = ("query.cond", "query.intr", "query.term", "filter.advanced")
_MAX_SHOWN = 120
_BODY_ERRORS = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)


@dataclass
class ClientStats:
    """What a client has done so far; the sync and the benchmark report it."""

    requests: int = 0
    retries: int = 0
    walk_restarts: int = 0
    malformed_studies: int = 0
    total_count: int | None = None  # `totalCount` of the latest walk's first page


class _Retry(Exception):
    """A transient fault: worth another attempt after a pause."""

    def __init__(self, cause: str, *, retry_after: float | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after


class _PageTokenRejected(Exception):
    """A continuation request was refused: its page token expired or is no longer valid."""


class CtgovClient:
    """Reads studies and the data version from ClinicalTrials.gov API v2 (or a fake).

    `rate_limit` is in requests per minute (None or 0: no limit). Clients built alike have
    limiters of their own; pass one `limiter` to several clients to keep the whole process
    under one limit. `sleep`, `clock`, `wall_clock` (epoch seconds, for HTTP-date
    `Retry-After`) and `random` (backoff jitter) are seams for tests. Not thread-safe: use
    one client per thread, sharing a limiter if need be.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_API_URL,
        *,
        session: requests.Session | None = None,
        rate_limit: float | None = DEFAULT_RATE_LIMIT,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        page_size: int = MAX_PAGE_SIZE,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        random: Callable[[], float] = random_module.random,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be from 1 to {MAX_PAGE_SIZE}, not {page_size}")
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise ConfigError(f"the ClinicalTrials.gov API URL must be http(s): {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.stats = ClientStats()
        self._session = session if session is not None else requests.Session()
        self._limiter = limiter or RateLimiter(rate_limit, clock=clock, sleep=sleep)
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._page_size = page_size
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._random = random

    def close(self) -> None:
        """Release the connections of the session."""
        self._session.close()

    def __enter__(self) -> CtgovClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries and followed redirects included."""
        return self.stats.requests

    @property
    def retries(self) -> int:
        """Attempts that were repeated after a transient fault."""
        return self.stats.retries

    def iter_studies(self, query: StudyQuery) -> Iterator[StudyRecord]:
        """Every study matching `query`, once each, streamed page by page."""
        for page in self.iter_pages(query):
            yield from page

    def iter_pages(self, query: StudyQuery) -> Iterator[list[StudyRecord]]:
        """The studies matching `query`, one list per API page (empty pages are skipped).

        The walk ends when a page has no next token, or once it has received as many
        studies as the first page's `totalCount`: the service sends a token after every
        full page, so a walk that ends on a full page would otherwise cost a request for
        an empty one.
        """
        first = query.params(page_size=self._page_size)
        seen: set[str] = set()
        restarts = 0
        token: str | None = None
        page, received = 1, 0
        total: int | None = None
        while True:
            params = first if token is None else {**first, "pageToken": token}
            try:
                body = self._get("/studies", params, note=f"page {page}", validate=_is_page)
            except _PageTokenRejected as exc:
                restarts = self._restart_walk(restarts, exc, describe("/studies", first))
                token, page = None, 1
                continue
            if token is None:
                total, received = _total_count(body), 0
                self.stats.total_count = total
            received += len(body["studies"])
            fresh = self._fresh_records(body["studies"], seen)
            if fresh:
                yield fresh
            token = _next_token(body, token)
            if token is None or (total is not None and received >= total):
                return
            page += 1

    def get_study(self, nct_id: str) -> StudyRecord | None:
        """One study by NCT id; None when the registry has no such study.

        An id that is now an alias of another study answers 301; the redirect is followed
        and the record returned carries the current NCT id.
        """
        path = f"/studies/{quote(nct_id.strip(), safe='')}"
        body = self._get(path, {"fields": FIELDS_PARAM}, not_found_ok=True)
        if body is None:
            return None
        try:
            return parse_study(body)
        except MalformedStudy as exc:
            raise ApiError(f"unusable study: {exc}", request=describe(path, {})) from exc

    def version(self) -> ApiVersion:
        """The API version and `dataTimestamp`, the time of the registry's last refresh."""
        return parse_version(self._get("/version", {}))

    def _restart_walk(self, restarts: int, exc: _PageTokenRejected, request: str) -> int:
        if restarts >= MAX_WALK_RESTARTS:
            raise ApiRequestRejected(
                f"page token refused {restarts + 1} times: {exc}", request=request
            ) from exc
        self.stats.walk_restarts += 1
        log.warning("page token refused (%s); restarting the walk: %s", exc, request)
        return restarts + 1

    def _fresh_records(self, studies: list[Any], seen: set[str]) -> list[StudyRecord]:
        fresh: list[StudyRecord] = []
        for raw in studies:
            try:
                record = parse_study(raw)
            except MalformedStudy as exc:
                self.stats.malformed_studies += 1
                log.warning("skipping a malformed study: %s", exc)
                continue
            if record.nct_id not in seen:
                seen.add(record.nct_id)
                fresh.append(record)
        return fresh

    def _get(
        self,
        path: str,
        params: Mapping[str, str],
        *,
        note: str | None = None,
        not_found_ok: bool = False,
        validate: Callable[[Any], bool] = lambda body: isinstance(body, dict),
    ) -> Any:
        request = describe(path, params, note)
        cause = ""
        for attempt in range(1, self._max_attempts + 1):
            try:
                response = self._send(path, params)
                return self._interpret(response, params, request, not_found_ok, validate)
            except _Retry as retry:
                cause = retry.cause
                if attempt < self._max_attempts:
                    self._pause(attempt, retry, request)
        raise ApiUnavailable(
            f"no usable answer after {self._max_attempts} attempts; last: {cause}",
            request=request,
        )

    def _send(self, path: str, params: Mapping[str, str]) -> requests.Response:
        self._limiter.acquire()
        self.stats.requests += 1
        try:
            response = self._session.get(
                self.base_url + path, params=params, headers=_HEADERS, timeout=self._timeout
            )
        except requests.Timeout as exc:
            raise _Retry(f"timed out: {_clip(str(exc))}") from exc
        except requests.ConnectionError as exc:
            raise _Retry(_connection_problem(exc, self.base_url)) from exc
        except _BODY_ERRORS as exc:
            raise _Retry(f"truncated or undecodable body: {_clip(str(exc))}") from exc
        except requests.RequestException as exc:
            raise ApiUnavailable(f"request failed: {exc}", request=describe(path, params)) from exc
        self.stats.requests += len(response.history)
        return response

    def _interpret(
        self,
        response: requests.Response,
        params: Mapping[str, str],
        request: str,
        not_found_ok: bool,
        validate: Callable[[Any], bool],
    ) -> Any:
        status = response.status_code
        if status == 404 and not_found_ok:
            return None
        if status in RETRY_STATUSES:
            delay = self._retry_after(response)
            raise _Retry(f"HTTP {status} {response.reason}", retry_after=delay)
        if status == 400 and "pageToken" in params:
            raise _PageTokenRejected(_api_message(response))
        if 400 <= status < 500:
            raise ApiRequestRejected(f"HTTP {status}: {_api_message(response)}", request=request)
        if status != 200:
            raise ApiUnavailable(f"unexpected HTTP {status} {response.reason}", request=request)
        try:
            body = response.json()
        except ValueError as exc:
            raise _Retry("the body is not JSON (truncated or an error page)") from exc
        if not validate(body):
            raise _Retry("the JSON body is not shaped like an API answer")
        return body

    def _retry_after(self, response: requests.Response) -> float | None:
        return retry_after_delay(
            response.headers.get("Retry-After"),
            response_date=response.headers.get("Date"),
            now=self._wall_clock(),
        )

    def _pause(self, attempt: int, retry: _Retry, request: str) -> None:
        delay = retry.retry_after
        if delay is None:
            delay = backoff_delay(attempt, self._random)
        self.stats.retries += 1
        log.info("%s: %s; retrying in %.1f s", request, retry.cause, delay)
        self._sleep(delay)


def describe(path: str, params: Mapping[str, str], note: str | None = None) -> str:
    """A short name for a request in messages: method, path, search parameters, page."""
    parts = [f"{key}={_clip(params[key])}" for key in _DESCRIBED_PARAMS if key in params]
    if note:
        parts.append(note)
    return f"GET {path}" + (f" [{'; '.join(parts)}]" if parts else "")


def _total_count(body: Mapping[str, Any]) -> int | None:
    total = body.get("totalCount")
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def _is_page(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("studies"), list)


def _next_token(body: Mapping[str, Any], previous: str | None) -> str | None:
    token = body.get("nextPageToken")
    if not isinstance(token, str) or not token or token == previous:
        return None
    if not body["studies"]:
        log.info("empty page with a nextPageToken; treating it as the last page")
        return None
    return token


def _api_message(response: requests.Response) -> str:
    text = " ".join(response.text.split())
    if not text:
        return response.reason or "no message"
    return _clip(text, 300)


_CONNECTION_PROBLEMS = (
    (("NameResolutionError", "Name or service not known", "name resolution"), "cannot resolve"),
    (("Connection refused",), "connection refused by"),
    (("Connection reset", "RemoteDisconnected", "Connection aborted"), "connection dropped by"),
)


def _connection_problem(exc: requests.ConnectionError, base_url: str) -> str:
    """What went wrong with a connection, in words, rather than urllib3's nested repr."""
    text, host = str(exc), urlsplit(base_url).netloc
    for markers, problem in _CONNECTION_PROBLEMS:
        if any(marker in text for marker in markers):
            return f"{problem} {host}"
    return f"connection failed: {_clip(text)}"


def _clip(text: str, limit: int = _MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
