"""How the fake keeps a study: its JSON bytes, decoded only when a search must read it.

A study held as a dict costs about eight times its JSON in memory (the benchmark's
550,000 studies took several GB), and serving it meant copying it and encoding it again.
Bytes are immutable, so a stored study cannot change under the caller or the client, and
a page of whole records is the stored bytes joined. orjson encodes and decodes; what it
refuses (lone surrogates, integers past 64 bits, keys that are not text) goes through
the standard library, as the registry's own hostile records need.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from tracker.ctgov.decode import decode_json


def encode(value: Any) -> bytes:
    """The JSON of `value`, compact, in a bytes object of its own size (orjson's own
    result keeps the buffer it grew while encoding: 8 KB for a 2 KB study)."""
    try:
        return bytes(memoryview(orjson.dumps(value)))
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()


def decode(body: bytes) -> Any:
    """The value a stored body holds."""
    return decode_json(body)


class Decoded(Mapping[str, Mapping[str, Any]]):
    """Stored bodies by NCT id, seen as decoded studies (a new dict on every access)."""

    def __init__(self, bodies: Mapping[str, bytes]) -> None:
        self._bodies = bodies

    def __getitem__(self, nct_id: str) -> Mapping[str, Any]:
        return decode(self._bodies[nct_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._bodies)

    def __len__(self) -> int:
        return len(self._bodies)
