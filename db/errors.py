"""Errors of the storage layer, converted from SQLAlchemy's at this package's boundary.

DatabaseError
├── DatabaseUnavailable   cannot open or reach the database (bad URL, missing driver, down)
├── DatabaseLocked        another process holds a write lock past the wait limit
├── SchemaMismatch        the database's schema is not the one this code needs
└── LockHeld              another process holds a named lock (`db.locks`): one sync at a time
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


class LockHeld(DatabaseError):
    """Another process holds the lock."""
