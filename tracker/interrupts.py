"""SIGINT and SIGTERM, honoured every time without breaking what they land in.

Raising `KeyboardInterrupt` from a signal handler is safe in our own code and while
waiting on the network, but not everywhere: inside a database driver it can become a
database error ("database is locked", a cancelled query) or leave a connection half
way through a transaction, and inside a garbage-collection callback (`__del__`, a
weakref finaliser) Python prints it and swallows it. So the handler looks at where the
signal landed: there it only records the signal (it is *deferred*), elsewhere it raises.
A signal (deferred or swallowed) is raised again by `check()` at the next safe point
(the sync calls it around each page's writes and before each commit), or reported by
the command line when the command returns. A second signal while one is deferred raises wherever it
lands: a user who insists is not kept waiting on a slow database.

Functions registered with `critical` (recording a run's outcome) defer signals too.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import CodeType, FrameType
from typing import TypeVar

DEFERRING_MODULES = ("sqlalchemy", "sqlite3", "psycopg", "psycopg_pool", "alembic", "db", "weakref")
"""Packages in whose code a signal is deferred: the database stack, and finalisers."""

_CRITICAL: set[CodeType] = set()

F = TypeVar("F", bound=Callable[..., object])


def critical(function: F) -> F:
    """Mark `function` as one that signals must not interrupt (they wait until it returns)."""
    _CRITICAL.add(function.__code__)
    return function


def _deferring(frame: FrameType | None) -> bool:
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if module.split(".", 1)[0] in DEFERRING_MODULES:
            return True
        if frame.f_code.co_name == "__del__" or frame.f_code in _CRITICAL:
            return True
        frame = frame.f_back
    return False


def exit_quietly_until_handled() -> None:
    """Until a command installs `Interrupts`, a signal ends the process at once with status
    128 + its number and one line, no traceback: nothing has started that needs closing."""
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _exit)


def _exit(signum: int, _frame: FrameType | None) -> None:
    sys.stderr.write("tracker: interrupted\n")
    raise SystemExit(128 + signum)


class Interrupts:
    """The process's SIGINT/SIGTERM handler: what arrived first, and when to raise it."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.closing = False
        """Set once the work is over: a signal then is only recorded, for the exit status."""

    def install(self) -> None:
        """Handle SIGINT and SIGTERM from now on, forgetting any signal seen before."""
        self.signum, self.closing = None, False
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.handle)

    def handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.signum is None
        if first:
            self.signum = signum
        if first and (self.closing or _deferring(frame)):
            return
        raise KeyboardInterrupt

    def check(self) -> None:
        """Raise `KeyboardInterrupt` once a signal has arrived: call where stopping is safe.

        Every call after the signal raises, so one swallowed where Python ignores
        exceptions (a finaliser) still stops the work at the next safe point."""
        if self.signum is not None:
            raise KeyboardInterrupt

    @property
    def exit_status(self) -> int:
        """128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as shells report."""
        return 128 + (self.signum or signal.SIGINT)
