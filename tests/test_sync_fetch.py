"""A claim's fetched walk gives back every page in order, the first kept, the rest spooled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path
from typing import Any

import orjson
from ctgov_builders import make_study, nct

from tracker.ctgov import StudyRecord, parse_study
from tracker.ctgov.typed import decode_page, record_of
from tracker.sync import fetch

REAL = Path(__file__).parent / "data" / "relevance" / "records"


class _Client:
    """Pages of the given sizes per query, as `CtgovClient.iter_pages` yields them."""

    def __init__(self, sizes: dict[str, list[int]]) -> None:
        self.sizes, self.last_walk, self.number = sizes, None, 0

    def iter_pages(self, query: Any) -> Iterator[list[StudyRecord]]:
        for size in self.sizes[query]:
            page = []
            for _ in range(size):
                self.number += 1
                page.append(parse_study(make_study(nct(self.number))))
            yield page
        self.last_walk = query


def test_pages_past_the_held_studies_are_spooled_and_all_come_back_in_order(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(fetch, "HELD_STUDIES", 10)
    client = _Client({"search": [6, 4, 3], "named": [2]})
    seen: list[int] = []

    with fetch.fetch_walk(client, ["search", "named"], seen.append) as walk:  # type: ignore[arg-type]
        spooled = walk._spool.tell()
        pages = [[record.nct_id for record in page] for page in walk.pages()]

    assert spooled > 0
    assert [len(page) for page in pages] == [6, 4, 3, 2]
    assert [nct_id for page in pages for nct_id in page] == [nct(n) for n in range(1, 16)]
    assert seen == [6, 10, 13, 15]
    assert walk.fetched == 15
    assert walk.walks == ["search", "named"]


class _PagesClient:
    """The given pages, as `CtgovClient.iter_pages` yields them."""

    def __init__(self, pages: list[list[StudyRecord]]) -> None:
        self.pages, self.last_walk = pages, None

    def iter_pages(self, query: Any) -> Iterator[list[StudyRecord]]:
        yield from self.pages
        self.last_walk = query


def test_spooled_real_records_come_back_field_for_field(monkeypatch: Any) -> None:
    raws = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(REAL.glob("*.json"))]
    typed = decode_page(orjson.dumps({"studies": raws}))["studies"]
    records = [record_of(study) for study in typed]
    pages = [records[i : i + 7] for i in range(0, len(records), 7)]
    monkeypatch.setattr(fetch, "HELD_STUDIES", 7)

    with fetch.fetch_walk(_PagesClient(pages), ["search"]) as walk:  # type: ignore[arg-type]
        back = [record for page in walk.pages() for record in page]

    assert len(back) == len(raws) > 80
    assert [astuple(record) for record in back] == [astuple(record) for record in records]
    assert [record.source_hash for record in back] == [study.source_hash for study in typed]
