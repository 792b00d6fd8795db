"""The ClinicalTrials.gov API v2: client, query building, parsing.

`CtgovClient` (client.py) fetches; `StudyQuery` (query.py) turns a claim's topic into
parameters; `parse_study` (parse.py) turns JSON into a `StudyRecord` (records.py);
`RateLimiter` (ratelimit.py) and retry.py keep it polite. The fake server lives in
`tracker.fake_registry`, which nothing here imports (a test checks).

The names below are imported on first use, so that reading records (`records.py`) does
not import the HTTP client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.lazy import names_from

if TYPE_CHECKING:
    from tracker.ctgov.client import DEFAULT_TIMEOUT, ClientStats, CtgovClient
    from tracker.ctgov.parse import MalformedStudy, parse_study, parse_version
    from tracker.ctgov.query import STUDY_FIELDS, StudyQuery
    from tracker.ctgov.ratelimit import RateLimiter
    from tracker.ctgov.records import (
        ApiVersion,
        Intervention,
        PartialDate,
        StudyDate,
        StudyRecord,
    )

_HOMES = {
    "DEFAULT_TIMEOUT": "client",
    "ClientStats": "client",
    "CtgovClient": "client",
    "MalformedStudy": "parse",
    "parse_study": "parse",
    "parse_version": "parse",
    "STUDY_FIELDS": "query",
    "StudyQuery": "query",
    "RateLimiter": "ratelimit",
    "ApiVersion": "records",
    "Intervention": "records",
    "PartialDate": "records",
    "StudyDate": "records",
    "StudyRecord": "records",
}

__all__ = [
    "DEFAULT_TIMEOUT",
    "STUDY_FIELDS",
    "ApiVersion",
    "ClientStats",
    "CtgovClient",
    "Intervention",
    "MalformedStudy",
    "PartialDate",
    "RateLimiter",
    "StudyDate",
    "StudyQuery",
    "StudyRecord",
    "parse_study",
    "parse_version",
]


__getattr__ = names_from(__name__, _HOMES)
