"""A claim's whole walk, fetched before anything is written.

The first `HELD_STUDIES` studies are kept as they came (most claims match fewer: one
page, which the client held anyway); the pages after them go to a spool (memory up to
`SPOOL_IN_MEMORY`, then an anonymous temporary file) so that memory stays flat however
many studies a claim matches. The claim's transaction opens only once the network has
nothing more to say: no write lock is held while a slow page or a long `Retry-After` is
waited for. The spool holds each page as a length and its records in MessagePack
(msgspec writes and reads the records' fields in C, three times faster than pickle),
written and read back by this module only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import IO

import msgspec

from tracker.ctgov.client import CtgovClient, Walk
from tracker.ctgov.query import StudyQuery
from tracker.ctgov.records import StudyRecord

SPOOL_IN_MEMORY = 8 * 1024 * 1024
"""Bytes of spooled pages kept in memory before they move to a temporary file."""
HELD_STUDIES = 1_000
"""Studies of a walk kept as they came: one full page (`tracker.ctgov.query.MAX_PAGE_SIZE`)."""
_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(list[StudyRecord])
_SIZE = 8
"""Bytes of the length written before each spooled page."""


class FetchedWalk:
    """The pages of a claim's walks (its search, then the trials it names), spooled, and
    how each walk ended."""

    def __init__(
        self, held: list[list[StudyRecord]], spool: IO[bytes], walks: list[Walk], fetched: int
    ) -> None:
        self._held = held
        self._spool = spool
        self.walks = walks
        self.fetched = fetched

    @property
    def complete(self) -> bool:
        """True when every walk ended without a page token still offered."""
        return all(walk.complete for walk in self.walks)

    def describe(self) -> str:
        """What a person should know of walks that were short or cut off, else ''."""
        return "; ".join(text for walk in self.walks if (text := walk.describe()))

    def pages(self) -> Iterator[list[StudyRecord]]:
        """The pages, in the order they came."""
        yield from self._held
        self._spool.seek(0)
        while size := int.from_bytes(self._spool.read(_SIZE), "little"):
            yield _DECODER.decode(self._spool.read(size))

    def close(self) -> None:
        self._spool.close()

    def __enter__(self) -> FetchedWalk:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def fetch_walk(
    client: CtgovClient,
    queries: Sequence[StudyQuery],
    on_page: Callable[[int], None] | None = None,
) -> FetchedWalk:
    """Walk every page of each query into one spool; `on_page` hears the studies fetched
    so far."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    fetched, walks, held = 0, [], []
    try:
        for query in queries:
            for page in client.iter_pages(query):
                if fetched + len(page) <= HELD_STUDIES:
                    held.append(page)
                else:
                    encoded = _ENCODER.encode(page)
                    spool.write(len(encoded).to_bytes(_SIZE, "little") + encoded)
                fetched += len(page)
                if on_page is not None:
                    on_page(fetched)
            walks.append(client.last_walk)
    except BaseException:
        spool.close()
        raise
    return FetchedWalk(held, spool, walks, fetched)
