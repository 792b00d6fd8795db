"""Decisions written while no sync holds the database.

The sync holds its lock for the whole run; a decision waits for it briefly, then is
refused (and can be resent), so it is never written between a sync's reading of a link
and its writing of it. The sync never writes `screening` or acknowledgements itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.engine import transaction
from db.locks import LockHeld, exclusive
from tracker.sync.run import LOCK_NAME
from tracker.web.errors import Busy

WAIT_SECONDS = 3.0
POLL_SECONDS = 0.2


@contextmanager
def _sync_lock(engine: Engine, wait: float, sleep: Callable[[float], None]) -> Iterator[None]:
    waited = 0.0
    while True:
        try:
            with exclusive(engine, LOCK_NAME):
                yield
            return
        except LockHeld:
            if waited >= wait:
                raise Busy(
                    "a sync is updating the database; nothing was changed, send it again"
                    " in a minute"
                ) from None
        sleep(POLL_SECONDS)
        waited += POLL_SECONDS


@contextmanager
def decision(
    engine: Engine, *, wait: float | None = None, sleep: Callable[[float], None] = time.sleep
) -> Iterator[Session]:
    """A transaction for one decision, taken while holding the sync lock."""
    with (
        _sync_lock(engine, WAIT_SECONDS if wait is None else wait, sleep),
        transaction(engine) as session,
    ):
        yield session
