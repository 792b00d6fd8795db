"""The synthetic registry served over HTTP, and the request counts a sync should make.

`RecordingFake` is the tracker's own fake ClinicalTrials.gov with no rate limit; while
`recording` is on it keeps every `/studies` body it sends (in a `PageFile`), so that the
ingest can be measured again from the same pages without the network. The expected counts come from
the fake's search, independently of the sync.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.pages import PageFile
from tracker.ctgov.query import MAX_PAGE_SIZE, StudyQuery
from tracker.fake_registry import FakeCtgov
from tracker.fake_registry.server import Answer


def page_key(api_path: str, params: Mapping[str, str]) -> str:
    """One request, whatever the order of its parameters."""
    return f"{api_path}?{urlencode(sorted(params.items()))}"


class RecordingFake(FakeCtgov):
    """The fake registry, keeping the `/studies` pages it answers while `recording`."""

    def __init__(
        self, studies: Iterable[Mapping[str, Any] | bytes], *, data_timestamp: str, pages: Path
    ) -> None:
        super().__init__(studies, data_timestamp=data_timestamp)
        self.recording = False
        pages.unlink(missing_ok=True)
        self.pages = PageFile(pages)
        self.walks: list[list[str]] = []

    def answer(self, api_path: str, params: Mapping[str, str], query: str) -> Answer:
        answer = super().answer(api_path, params, query)
        if self.recording and api_path == "/studies" and answer[0] == 200:
            key = page_key(api_path, params)
            self.pages.add(key, answer[1])
            if "pageToken" not in params:
                self.walks.append([])
            self.walks[-1].append(key)
        return answer

    def count(self, query: StudyQuery) -> int:
        """How many studies the registry holds for a query, asked without HTTP."""
        params = {**query.params(page_size=1), "countTotal": "true"}
        return int(self.corpus.page(params)["totalCount"])


def fewest_pages(matches: Iterable[int]) -> int:
    """The issue's minimum: the pages that hold every claim's matches, nothing more."""
    return sum(math.ceil(count / MAX_PAGE_SIZE) for count in matches)


def walk_requests(matches: Iterable[int]) -> int:
    """Requests a walk per claim needs: a walk ends only on a page without a token, and the
    registry sends one after every full page, so one page per 1,000 matches and one more."""
    return sum(count // MAX_PAGE_SIZE + 1 for count in matches)
