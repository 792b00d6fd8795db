"""Errors a user of the tracker can cause or meet.

The command line catches `TrackerError` once and turns it into one line on stderr and the
exit status the class names (2 for bad input or usage, 1 for failures)::

    TrackerError
    ├── ConfigError            bad environment variable or tracker.toml
    ├── UsageError             bad flag id, option value or output path; a retired claim
    │   └── RegistryMismatch   the database syncs against another API URL
    ├── AlreadyRunning         another process holds the database's lock for this work
    │   ├── SyncAlreadyRunning      a sync
    │   └── SchedulerAlreadyRunning a scheduler
    ├── DeliveryError          the digest could not be mailed
    │   └── AlreadySent        that week's digest was mailed before
    └── ApiError               ClinicalTrials.gov could not answer
        ├── ApiUnavailable     retries exhausted: 5xx, 429, timeouts, resets, bad bodies
        │   └── ApiUnreachable no route to the API at all (name resolution, refused)
        ├── ApiRequestRejected the API will never accept this request (400, a bad field)
        └── ApiRefused         403 twice: the registry refuses this client

Errors of the other packages have their own trees (`claims.errors`, e.g. an unknown
claim id, and `db.errors`);
`REPORTABLE` gathers the three roots for whoever reports errors to a person.
"""

from __future__ import annotations

from claims.errors import ClaimsError
from db.errors import DatabaseError


class TrackerError(Exception):
    """Base of every error the tracker reports to its user."""

    exit_status = 1


class ConfigError(TrackerError):
    """A configuration value is missing or malformed."""

    exit_status = 2


class UsageError(TrackerError):
    """The command was asked for something that does not exist or makes no sense."""

    exit_status = 2


class AlreadyRunning(TrackerError):
    """Another process is doing this work against the same database."""


class SyncAlreadyRunning(AlreadyRunning):
    """Another sync is running against the same database."""


class SchedulerAlreadyRunning(AlreadyRunning):
    """Another scheduler is running against the same database."""


class RegistryMismatch(UsageError):
    """The database's bookmarks belong to another registry URL than the one configured."""


class DeliveryError(TrackerError):
    """The digest could not be delivered."""


class AlreadySent(DeliveryError):
    """The digest of this week was mailed before (send it again with --force)."""


class ApiError(TrackerError):
    """ClinicalTrials.gov did not give a usable answer to a request."""

    def __init__(self, message: str, *, request: str | None = None) -> None:
        super().__init__(f"{message} ({request})" if request else message)
        self.reason, self.request = message, request


class ApiUnavailable(ApiError):
    """The API kept failing (server errors, throttling, network faults) past the retry budget."""


class ApiUnreachable(ApiUnavailable):
    """The API's host cannot be resolved or refuses connections: nothing to retry against."""


class ApiRequestRejected(ApiError):
    """The API refused the request itself; retrying cannot help."""


class ApiRefused(ApiError):
    """The registry answered 403 again: it refuses this client, not this request."""


REPORTABLE: tuple[type[Exception], ...] = (TrackerError, ClaimsError, DatabaseError)
"""Every error meant for a person: one line on stderr or in a log, never a traceback."""
