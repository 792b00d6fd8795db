"""One-shot faults the fake server plays instead of (or before) a normal answer.

Each injected `Fault` is consumed by the next request whose API path matches its `path`
pattern (`fnmatch` style: `"/studies"`, `"/studies/*"`, `"/version"`; None matches any)
and, for a `continuation` fault, carries a `pageToken`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase

EXPIRED_TOKEN = "The pageToken has expired. Start the search again without a pageToken."


class FaultKind(StrEnum):
    STATUS = "status"  # answer with this status, headers and plain-text body
    SLOW = "slow"  # wait `seconds`, then answer normally
    TRUNCATED = "truncated"  # promise the whole body, send half of it, hang up
    DROP = "drop"  # hang up without a response


@dataclass(frozen=True)
class Fault:
    """A misbehaviour of the real service, to be played once."""

    kind: FaultKind
    status: int = 200
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    path: str | None = None
    continuation: bool = False

    @classmethod
    def too_many_requests(
        cls, retry_after: float | str | None = 1, *, path: str | None = None
    ) -> Fault:
        """429, with `Retry-After` in seconds or as an HTTP date (None: no header)."""
        return cls.http(429, "Too Many Requests", retry_after=retry_after, path=path)

    @classmethod
    def forbidden(cls, retry_after: float | str | None = None, *, path: str | None = None) -> Fault:
        """403, as the service has been seen to answer under load."""
        return cls.http(403, "Forbidden", retry_after=retry_after, path=path)

    @classmethod
    def unavailable(
        cls, retry_after: float | str | None = None, *, path: str | None = None
    ) -> Fault:
        """503 Service Unavailable, with `Retry-After` if given."""
        return cls.http(503, "Service Unavailable", retry_after=retry_after, path=path)

    @classmethod
    def http(
        cls,
        status: int,
        body: str = "",
        *,
        retry_after: float | str | None = None,
        path: str | None = None,
    ) -> Fault:
        """Any status with a plain-text body, e.g. `Fault.http(502, "Bad Gateway")`."""
        headers = () if retry_after is None else (("Retry-After", _header(retry_after)),)
        return cls(FaultKind.STATUS, status=status, body=body, headers=headers, path=path)

    @classmethod
    def expired_token(cls, status: int = 400) -> Fault:
        """The next page request's token refused as expired, with this status."""
        return cls(
            FaultKind.STATUS, status=status, body=EXPIRED_TOKEN, path="/studies", continuation=True
        )

    @classmethod
    def not_json(cls, *, path: str | None = None) -> Fault:
        """200 with an HTML error page where JSON was due, as proxies sometimes send."""
        return cls.http(200, "<html><body>Temporarily unavailable</body></html>", path=path)

    @classmethod
    def slow(cls, seconds: float, *, path: str | None = None) -> Fault:
        """Answer normally, but only after `seconds`."""
        return cls(FaultKind.SLOW, seconds=seconds, path=path)

    @classmethod
    def truncated(cls, *, path: str | None = None) -> Fault:
        """Send a Content-Length larger than the bytes that follow, then close."""
        return cls(FaultKind.TRUNCATED, path=path)

    @classmethod
    def drop(cls, *, path: str | None = None) -> Fault:
        """Close the connection without sending a response."""
        return cls(FaultKind.DROP, path=path)

    def applies_to(self, api_path: str, params: Mapping[str, str]) -> bool:
        if self.continuation and "pageToken" not in params:
            return False
        return self.path is None or fnmatchcase(api_path, self.path)


class FaultQueue:
    """Faults waiting for their request, in the order they were injected. Thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault, times: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * times)

    def take(self, api_path: str, params: Mapping[str, str]) -> Fault | None:
        """Remove and return the first fault meant for this request, if any."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.applies_to(api_path, params):
                    return self._faults.pop(index)
        return None

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)


def _header(retry_after: float | str) -> str:
    if isinstance(retry_after, str):
        return retry_after
    return str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
