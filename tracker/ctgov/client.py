"""The ClinicalTrials.gov API v2 client: polite, paged, and hard to break.

It knows URLs, paging, throttling and retries, and nothing of the database. Every request
waits its turn at the rate limiter, is retried as `tracker.ctgov.retry` says, and ends
either in parsed JSON or in one of our errors (`requests` exceptions never leave this
module):

- `ApiUnavailable` when the retry budget is spent, naming the request and the last cause;
  `ApiUnreachable` at once, without retries, when `/version` finds no route to the host;
- `ApiRequestRejected` for a 4xx that retrying cannot fix, or a 400/500 whose body names
  a bad parameter or field, carrying the API's own text;
- `ApiRefused` when a 403 comes back on the second try: the registry refuses this client.

A walk follows `nextPageToken` until a page comes without one; only then is it complete
(`last_walk`). Pages may be empty and still offer a token, may overlap (the registry does
not sort by default) and `totalCount` may be wrong, so studies are counted by distinct NCT
id and never yielded twice. A page token refused (tokens expire when the data refresh
mid-walk; any status whose body names the token) restarts the walk from the first page
once. A study without a usable NCT id is logged, counted in `stats.malformed_studies` and
skipped.
"""

from __future__ import annotations

import logging
import random as random_module
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests

import tracker
from tracker.config import DEFAULT_API_URL, DEFAULT_RATE_LIMIT
from tracker.ctgov.decode import decode_json
from tracker.ctgov.parse import MalformedStudy, parse_study, parse_version
from tracker.ctgov.query import FIELDS_PARAM, MAX_PAGE_SIZE, StudyQuery
from tracker.ctgov.ratelimit import RateLimiter
from tracker.ctgov.records import ApiVersion, StudyRecord
from tracker.ctgov.retry import (
    DEFAULT_MAX_ATTEMPTS,
    FORBIDDEN_ATTEMPTS,
    RETRY_STATUSES,
    THROTTLE_BUDGET,
    backoff_delay,
    retry_after_delay,
    throttle_delay,
)
from tracker.ctgov.typed import TypedStudy, decode_page, record_of
from tracker.errors import (
    ApiError,
    ApiRefused,
    ApiRequestRejected,
    ApiUnavailable,
    ApiUnreachable,
    ConfigError,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
"""Seconds to connect, and to wait for each read of the response."""

VERSION_TIMEOUT: tuple[float, float] = (5.0, 30.0)
"""`/version` is the first request of a sync: with no route, say so within seconds."""

MAX_WALK_RESTARTS = 1
"""How many times one walk may start over after its page token was refused."""

MAX_EMPTY_PAGES = 20
"""Empty pages in a row, each still offering a token, after which a walk gives up."""

USER_AGENT = (
    f"claim-trial-tracker/{tracker.__version__} "
    f"(evidence tracker for health-article claims) python-requests/{requests.__version__}"
)
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"}
_DESCRIBED_PARAMS = ("query.cond", "query.intr", "query.term", "filter.advanced")
_MAX_SHOWN = 120
_BODY_ERRORS = (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
_NAMES_TOKEN = re.compile(r"page\s*token", re.IGNORECASE)
_NAMES_BAD_INPUT = re.compile(r"\b(parameter|field)", re.IGNORECASE)


def pause(seconds: float) -> None:
    """How a client waits unless given its own `sleep`: the seam tests replace."""
    time.sleep(seconds)


@dataclass
class ClientStats:
    """What a client has done so far; the sync and the benchmark report it."""

    requests: int = 0
    retries: int = 0
    walk_restarts: int = 0
    malformed_studies: int = 0
    total_count: int | None = None  # `totalCount` of the latest walk's first page


@dataclass
class Walk:
    """How the latest walk over one query's pages went."""

    pages: int = 0
    distinct: int = 0
    total_count: int | None = None
    complete: bool = False
    """True once a page came without a `nextPageToken`: nothing was left unasked."""

    @property
    def short(self) -> bool:
        """Fewer distinct studies than the first page's `totalCount` announced."""
        return self.total_count is not None and self.distinct < self.total_count

    def describe(self) -> str:
        """What a person should know of a walk that was short or cut off, else ''."""
        got = f"{self.distinct} distinct studies"
        if not self.complete:
            return f"walk cut off with a page token still offered after {got}"
        if self.short:
            return f"walk ended with {got} of the {self.total_count} announced"
        return ""


class _Retry(Exception):
    """A transient fault: worth another attempt after a pause."""

    def __init__(self, cause: str, *, retry_after: float | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after


class _Throttled(_Retry):
    """429: wait, within the throttling budget."""


class _Forbidden(_Retry):
    """403: one more try, then a refusal."""


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
        sleep: Callable[[float], None] | None = None,
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
        sleep = sleep if sleep is not None else pause
        self.base_url = base_url.rstrip("/")
        self.stats = ClientStats()
        self.last_walk = Walk()
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

        The walk ends on the first page without a next token, and only then is
        `last_walk.complete`; a token offered twice, or `MAX_EMPTY_PAGES` empty pages in a
        row, end it early, incomplete, rather than loop.
        """
        first = query.params(page_size=self._page_size)
        walk = self.last_walk = Walk()
        seen: set[str] = set()
        offered: set[str] = set()
        restarts = empty = 0
        token: str | None = None
        page = 1
        while True:
            params = first if token is None else {**first, "pageToken": token}
            try:
                body = self._get(
                    "/studies", params, note=f"page {page}", validate=_is_page, decode=decode_page
                )
            except _PageTokenRejected as exc:
                restarts = self._restart_walk(restarts, exc, describe("/studies", first))
                token, page = None, 1
                offered.clear()
                continue
            walk.pages += 1
            if token is None:
                walk.total_count = self.stats.total_count = _total_count(body)
            fresh = self._fresh_records(body["studies"], seen)
            walk.distinct = len(seen)
            empty = 0 if body["studies"] else empty + 1
            if fresh:
                yield fresh
            token = _next_token(body)
            if token is None:
                walk.complete = True
                return
            if token in offered or empty >= MAX_EMPTY_PAGES:
                log.warning("%s: %s", describe("/studies", first), walk.describe())
                return
            offered.add(token)
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
        return parse_version(self._get("/version", {}, timeout=VERSION_TIMEOUT, fail_fast=True))

    def _restart_walk(self, restarts: int, exc: _PageTokenRejected, request: str) -> int:
        if restarts >= MAX_WALK_RESTARTS:
            raise ApiRequestRejected(
                f"page token refused again after the walk restarted: {exc}", request=request
            ) from exc
        self.stats.walk_restarts += 1
        log.info("page token refused (%s); restarting the walk: %s", exc, request)
        return restarts + 1

    def _fresh_records(self, studies: list[Any], seen: set[str]) -> list[StudyRecord]:
        fresh: list[StudyRecord] = []
        for raw in studies:
            try:
                record = record_of(raw) if type(raw) is TypedStudy else parse_study(raw)
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
        timeout: tuple[float, float] | None = None,
        fail_fast: bool = False,
        decode: Callable[[bytes], Any] = decode_json,
    ) -> Any:
        request = describe(path, params, note)
        faults = throttled = forbidden = 0
        waited = 0.0
        while True:
            try:
                response = self._send(path, params, timeout or self._timeout, fail_fast)
                return self._interpret(response, params, request, not_found_ok, validate, decode)
            except _Throttled as retry:
                throttled += 1
                delay = min(
                    throttle_delay(throttled, retry.retry_after, self._random),
                    THROTTLE_BUDGET - waited,
                )
                if delay <= 0:
                    raise ApiUnavailable(
                        f"throttled (HTTP 429) through {waited:.0f} s of waiting", request=request
                    ) from None
                waited += delay
                self._wait(delay, retry.cause, request)
            except _Forbidden as retry:
                forbidden += 1
                if forbidden >= FORBIDDEN_ATTEMPTS:
                    raise ApiRefused(
                        f"the registry refused this client ({retry.cause}, {forbidden} times):"
                        " not throttling; check the network's proxy or TLS setup",
                        request=request,
                    ) from None
                self._wait(backoff_delay(forbidden, self._random), retry.cause, request)
            except _Retry as retry:
                faults += 1
                if faults >= self._max_attempts:
                    raise ApiUnavailable(
                        f"no usable answer after {faults} attempts; last: {retry.cause}",
                        request=request,
                    ) from None
                self._pause(faults, retry, request)

    def _send(
        self,
        path: str,
        params: Mapping[str, str],
        timeout: tuple[float, float],
        fail_fast: bool,
    ) -> requests.Response:
        self._limiter.acquire()
        self.stats.requests += 1
        try:
            response = self._session.get(
                self.base_url + path, params=params, headers=_HEADERS, timeout=timeout
            )
        except requests.ConnectTimeout as exc:
            if fail_fast:
                raise ApiUnreachable(f"cannot reach {self.base_url}: connection timed out") from exc
            raise _Retry(f"timed out: {_clip(str(exc))}") from exc
        except requests.Timeout as exc:
            raise _Retry(f"timed out: {_clip(str(exc))}") from exc
        except requests.ConnectionError as exc:
            problem, unreachable = _connection_problem(exc, self.base_url)
            if fail_fast and unreachable:
                raise ApiUnreachable(f"cannot reach {self.base_url}: {problem}") from exc
            raise _Retry(problem) from exc
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
        decode: Callable[[bytes], Any],
    ) -> Any:
        status = response.status_code
        if status == 404 and not_found_ok:
            return None
        if status == 429:
            delay = self._retry_after(response)
            raise _Throttled(f"HTTP 429 {response.reason}", retry_after=delay)
        if status == 403:
            raise _Forbidden(f"HTTP 403 {response.reason}")
        if status != 200 and _token_refused(status, params, response.text):
            raise _PageTokenRejected(f"HTTP {status}: {_api_message(response)}")
        if status in (400, 500) and _NAMES_BAD_INPUT.search(response.text):
            raise ApiRequestRejected(f"HTTP {status}: {_api_message(response)}", request=request)
        if status in RETRY_STATUSES:
            delay = self._retry_after(response)
            raise _Retry(f"HTTP {status} {response.reason}", retry_after=delay)
        if 400 <= status < 500:
            raise ApiRequestRejected(f"HTTP {status}: {_api_message(response)}", request=request)
        if status != 200:
            raise ApiUnavailable(f"unexpected HTTP {status} {response.reason}", request=request)
        try:
            body = decode(response.content)
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
        self._wait(delay, retry.cause, request)

    def _wait(self, delay: float, cause: str, request: str) -> None:
        self.stats.retries += 1
        log.info("%s: %s; retrying in %.1f s", request, cause, delay)
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


def _next_token(body: Mapping[str, Any]) -> str | None:
    token = body.get("nextPageToken")
    return token if isinstance(token, str) and token else None


def _token_refused(status: int, params: Mapping[str, str], text: str) -> bool:
    """A continuation refused for its token: any 400, or any error that names the token."""
    if status == 200 or "pageToken" not in params:
        return False
    return status == 400 or _NAMES_TOKEN.search(text) is not None


def _api_message(response: requests.Response) -> str:
    text = " ".join(response.text.split())
    if not text:
        return response.reason or "no message"
    return _clip(text, 300)


_CONNECTION_PROBLEMS = (
    (
        ("NameResolutionError", "Name or service not known", "name resolution", "getaddrinfo"),
        "cannot resolve",
        True,
    ),
    (("Connection refused",), "connection refused by", True),
    (("Network is unreachable", "No route to host"), "no route to", True),
    (
        ("Connection reset", "RemoteDisconnected", "Connection aborted"),
        "connection dropped by",
        False,
    ),
)


def _connection_problem(exc: requests.ConnectionError, base_url: str) -> tuple[str, bool]:
    """What went wrong with a connection, in words rather than urllib3's nested repr, and
    whether it means there is no route to the host at all."""
    text, host = str(exc), urlsplit(base_url).netloc
    for markers, problem, unreachable in _CONNECTION_PROBLEMS:
        if any(marker in text for marker in markers):
            return f"{problem} {host}", unreachable
    return f"connection failed: {_clip(text)}", False


def _clip(text: str, limit: int = _MAX_SHOWN) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
