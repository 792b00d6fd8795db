"""Errors a user of the tracker can cause or meet.

The command line catches `TrackerError` once and turns it into one line on stderr and the
exit status the class names (2 for bad input or usage, 1 for failures)::

    TrackerError
    ├── ConfigError            bad environment variable or tracker.toml
    ├── UsageError             unknown claim id, bad flag id, bad option value
    ├── SyncAlreadyRunning     another sync holds the database's sync lock
    ├── SyncIncomplete         some claims failed to sync (the others are saved)
    ├── DeliveryError          the digest could not be mailed
    └── ApiError               ClinicalTrials.gov could not answer
        ├── ApiUnavailable     retries exhausted: 5xx, 429/403, timeouts, resets, bad bodies
        └── ApiRequestRejected 4xx the API will never accept (e.g. 400 with its own message)

Errors of the other packages have their own trees (`claims.errors`, `db.errors`).
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base of every error the tracker reports to its user."""

    exit_status = 1


class ConfigError(TrackerError):
    """A configuration value is missing or malformed."""

    exit_status = 2


class UsageError(TrackerError):
    """The command was asked for something that does not exist or makes no sense."""

    exit_status = 2


class SyncAlreadyRunning(TrackerError):
    """Another sync is running against the same database."""


class SyncIncomplete(TrackerError):
    """At least one claim failed to sync; the claims that succeeded are committed."""


class DeliveryError(TrackerError):
    """The digest could not be delivered."""


class ApiError(TrackerError):
    """ClinicalTrials.gov did not give a usable answer to a request."""

    def __init__(self, message: str, *, request: str | None = None) -> None:
        super().__init__(f"{message} ({request})" if request else message)
        self.request = request


class ApiUnavailable(ApiError):
    """The API kept failing (server errors, throttling, network faults) past the retry budget."""


class ApiRequestRejected(ApiError):
    """The API refused the request itself; retrying cannot help."""
