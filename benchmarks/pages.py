"""Recorded page bodies, kept in a file rather than in memory.

The first full sync at 1,000 claims receives about 250,000 studies in pages; held in the
benchmark process and pickled for the ingest process they took GBs twice over. A
`PageFile` appends each body to one file and remembers where it lies, so both processes
hold only the offsets and read a page when it is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO


class PageFile(Mapping[str, bytes]):
    """Page bodies by request key, stored one after another in `path`."""

    def __init__(self, path: Path, spans: Mapping[str, tuple[int, int]] | None = None) -> None:
        self.path = path
        self.spans: dict[str, tuple[int, int]] = dict(spans or {})
        self._reader: BinaryIO | None = None

    def add(self, key: str, body: bytes) -> None:
        """Keep `body` as the answer to `key` (a later body for the same key replaces it)."""
        with self.path.open("ab") as file:
            offset = file.tell()
            file.write(body)
        self.spans[key] = (offset, len(body))

    def __getitem__(self, key: str) -> bytes:
        offset, size = self.spans[key]
        if self._reader is None:
            self._reader = self.path.open("rb")
        self._reader.seek(offset)
        return self._reader.read(size)

    def __iter__(self) -> Iterator[str]:
        return iter(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
