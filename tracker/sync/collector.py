"""The garbage collector's pace while a sync runs.

A sync allocates millions of short-lived containers (each page's JSON objects, the
records and rows built from them), nearly all freed by reference counting. At the
interpreter's default pace (a young collection every 700 allocations) the collector
walked them over and over and found no cycles: a quarter of a first sync's time. During
a sync it runs every `SYNC_THRESHOLDS[0]` allocations instead, which costs no memory that
matters (cycles are rare here and still collected), and the old pace is restored after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

SYNC_THRESHOLDS = (50_000, 50, 100)
"""`gc.set_threshold` during a sync: young, middle and old generation."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect at the sync's pace inside the block, at the caller's pace again after."""
    before = gc.get_threshold()
    gc.set_threshold(*SYNC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
