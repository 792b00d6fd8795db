"""The scheduled jobs: the nightly sync and the weekly digest.

Each job reads the settings when it runs (so the job store holds only a reference to the
function, never a password) and reports errors a person can act on as one log line;
the scheduler goes on either way. `STOP` asks a running sync to end after its current
claim: the scheduler sets it when it shuts down.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine

from tracker.compose import open_engine, registry_client
from tracker.config import Settings, load_settings, variable_name
from tracker.digest.files import default_path
from tracker.digest.publish import publish_digest
from tracker.digest.week import IsoWeek
from tracker.errors import REPORTABLE, AlreadySent
from tracker.sync import sync

log = logging.getLogger(__name__)

STOP = threading.Event()


@contextmanager
def _database(settings: Settings) -> Iterator[Engine]:
    engine = open_engine(settings)
    try:
        yield engine
    finally:
        engine.dispose()


def nightly_sync() -> None:
    """`tracker sync`, stopping between claims when the scheduler shuts down."""
    try:
        settings = load_settings()
        with _database(settings) as engine, registry_client(settings) as client:
            report = sync(
                engine,
                client,
                clock=lambda: datetime.now(settings.zone),
                should_stop=STOP.is_set,
                full_sync_days=settings.full_sync_days,
            )
    except REPORTABLE as exc:
        log.error("nightly sync failed: %s", exc)
        return
    for failed in report.failed:
        log.warning("nightly sync: claim %s failed: %s", failed.claim_id, failed.error)
    log.info(
        "nightly sync %s: %d of %d claims synced, %d requests",
        report.outcome,
        len(report.results) - len(report.failed),
        len(report.results),
        report.requests,
    )


def weekly_digest() -> None:
    """`tracker digest --send` for the last complete week, once per week.

    Without TRACKER_SMTP_HOST the digest is written to `digests/` and not mailed.
    """
    try:
        settings = load_settings()
        now = datetime.now(settings.zone)
        week = IsoWeek.last_complete(now.date())
        with _database(settings) as engine:
            published = publish_digest(
                engine,
                settings,
                week,
                now,
                fmt="md",
                to=default_path(week, "md"),
                send=bool(settings.smtp_host),
            )
    except AlreadySent as exc:
        log.info("weekly digest: %s", exc)
        return
    except REPORTABLE as exc:
        log.error("weekly digest failed: %s", exc)
        return
    if not published.recipients:
        log.warning(
            "weekly digest of %s written to %s, not mailed: no %s",
            week,
            published.path,
            variable_name("smtp_host"),
        )
        return
    log.info(
        "weekly digest of %s written to %s and sent to %s",
        week,
        published.path,
        ", ".join(published.recipients),
    )
