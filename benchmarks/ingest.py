"""Ingest throughput: the real sync against replayed pages, and a raw baseline.

Both read the same recorded `/studies` bodies, in the same order, into the same database,
with one transaction per claim, in a process of their own (`python -m benchmarks.ingest`)
that holds nothing else. The sync parses, stores, links, detects changes
and raises flags; the baseline only `json.loads` each page and bulk-inserts its studies
as rows. Neither touches the network, so their ratio is the cost of the tracker's logic.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from sqlalchemy import Column, Engine, MetaData, String, Table, Text

from benchmarks.pages import PageFile
from benchmarks.registry import page_key
from db.engine import connect
from tracker.ctgov.client import CtgovClient
from tracker.fake_registry.server import API_PREFIX
from tracker.sync import sync

BASE_URL = "http://replay.invalid" + API_PREFIX
_RAW = MetaData()
raw_studies = Table(
    "benchmark_raw_studies", _RAW, Column("nct_id", String(16)), Column("study", Text)
)


@dataclass(frozen=True)
class Throughput:
    studies: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.studies / self.seconds if self.seconds else 0.0


class ReplayAdapter(BaseAdapter):
    """Answers each request with the body recorded for it, as the fake sent it."""

    def __init__(self, pages: Mapping[str, bytes], version: Mapping[str, Any]) -> None:
        super().__init__()
        self.pages = pages
        self.version = json.dumps(version).encode()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url or "")
        api_path = url.path.removeprefix(API_PREFIX)
        body = self.version if api_path == "/version" else self.pages[_key(api_path, url.query)]
        response = requests.Response()
        response.status_code, response._content = 200, body
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.url, response.request, response.encoding = request.url or "", request, "utf-8"
        return response

    def close(self) -> None:
        """Nothing to release."""


def _key(api_path: str, query: str) -> str:
    return page_key(api_path, dict(parse_qsl(query, keep_blank_values=True)))


def sync_throughput(
    database_url: str, pages: Mapping[str, bytes], version: Mapping[str, Any]
) -> Throughput:
    """Time a first full sync of the claims already loaded into `database_url`."""
    session = requests.Session()
    session.mount(BASE_URL, ReplayAdapter(pages, version))
    engine = connect(database_url)
    try:
        with CtgovClient(BASE_URL, session=session, rate_limit=None) as client:
            start = time.perf_counter()
            report = sync(engine, client, clock=lambda: datetime.now(UTC))
            seconds = time.perf_counter() - start
    finally:
        engine.dispose()
    if report.failed:
        raise RuntimeError(f"the replayed sync failed: {report.failed[0].error}")
    return Throughput(sum(result.fetched for result in report.results), seconds)


def baseline_throughput(
    database_url: str, pages: Mapping[str, bytes], walks: Sequence[Sequence[str]]
) -> Throughput:
    """Time `json.loads` and a bulk insert of the same pages, one transaction per walk."""
    engine = connect(database_url)
    try:
        _RAW.create_all(engine)
        start = time.perf_counter()
        studies = sum(_insert_walk(engine, [pages[key] for key in walk]) for walk in walks)
        seconds = time.perf_counter() - start
        _RAW.drop_all(engine)
    finally:
        engine.dispose()
    return Throughput(studies, seconds)


def _insert_walk(engine: Engine, bodies: Sequence[bytes]) -> int:
    inserted = 0
    with engine.begin() as connection:
        for body in bodies:
            studies = json.loads(body)["studies"]
            if studies:
                rows = [
                    {
                        "nct_id": study["protocolSection"]["identificationModule"]["nctId"],
                        "study": json.dumps(study),
                    }
                    for study in studies
                ]
                connection.execute(raw_studies.insert(), rows)
                inserted += len(rows)
    return inserted


@dataclass(frozen=True)
class Recording:
    """What the first full sync received: each page by request (in a `PageFile`), in
    walks, and `/version`."""

    pages: PageFile
    walks: list[list[str]]
    version: dict[str, Any]

    def save(self, path: Path) -> None:
        pages = {"path": str(self.pages.path), "spans": self.pages.spans}
        saved = {"pages": pages, "walks": self.walks, "version": self.version}
        path.write_bytes(pickle.dumps(saved))

    @classmethod
    def load(cls, path: Path) -> Recording:
        saved = pickle.loads(path.read_bytes())
        pages = PageFile(Path(saved["pages"]["path"]), saved["pages"]["spans"])
        return cls(pages, saved["walks"], saved["version"])


def main(argv: Sequence[str]) -> int:
    """`python -m benchmarks.ingest DATABASE_URL RECORDING`: both throughputs, as JSON.

    The claims must already be loaded into the database.
    """
    database_url, path = argv
    recording = Recording.load(Path(path))
    synced = sync_throughput(database_url, recording.pages, recording.version)
    baseline = baseline_throughput(database_url, recording.pages, recording.walks)
    print(json.dumps({"sync": asdict(synced), "baseline": asdict(baseline)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
