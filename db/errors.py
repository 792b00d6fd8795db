"""Errors of the storage layer, converted from SQLAlchemy's at this package's boundary.

DatabaseError
├── DatabaseUnavailable   cannot open or reach the database (bad URL, missing driver, down)
├── DatabaseLocked        another process holds a write lock past the wait limit
├── SchemaMismatch        the database's schema is not the one this code needs
│   └── ForeignDatabase   the database holds another application's tables, not ours
├── LockHeld              another process holds a named lock (`db.locks`): one sync at a time
└── LockLost              the connection holding a PostgreSQL lock died mid-work
"""

from __future__ import annotations


class DatabaseError(Exception):
    """Base of every storage error a user can meet."""

    exit_status = 1


class DatabaseUnavailable(DatabaseError):
    """The database cannot be opened or reached."""


class DatabaseLocked(DatabaseError):
    """The database stayed locked by another writer for longer than we wait."""


class SchemaMismatch(DatabaseError):
    """The database's schema revision differs from the one this code was built for."""


class ForeignDatabase(SchemaMismatch):
    """The database is not empty and was not made by the tracker: it is left untouched."""

    exit_status = 2


class LockHeld(DatabaseError):
    """Another process holds the lock."""


class LockLost(DatabaseError):
    """The connection holding a PostgreSQL lock died: another process may now hold it."""
