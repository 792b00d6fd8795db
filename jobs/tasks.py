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

from db.engine import connect, transaction
from db.revision import ensure_schema
from tracker.config import Settings, load_settings
from tracker.ctgov.client import CtgovClient
from tracker.digest.build import build_digest
from tracker.digest.files import default_path, save
from tracker.digest.render import render
from tracker.digest.send import Mailer, send_digest
from tracker.digest.week import IsoWeek
from tracker.errors import REPORTABLE, AlreadySent
from tracker.sync import sync

log = logging.getLogger(__name__)

STOP = threading.Event()


@contextmanager
def _database(settings: Settings) -> Iterator[Engine]:
    engine = connect(settings.database_url)
    try:
        ensure_schema(engine)
        yield engine
    finally:
        engine.dispose()


def nightly_sync() -> None:
    """`tracker sync`, stopping between claims when the scheduler shuts down."""
    try:
        settings = load_settings()
        with (
            _database(settings) as engine,
            CtgovClient(settings.ctgov_api_url, rate_limit=settings.rate_limit) as client,
        ):
            report = sync(
                engine, client, clock=lambda: datetime.now(settings.zone), should_stop=STOP.is_set
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
            with transaction(engine) as session:
                document = build_digest(session, week, settings.zone)
            path = save(render(document, "md"), default_path(week, "md"))
            if not settings.smtp_host:
                log.warning(
                    "weekly digest of %s written to %s, not mailed: no TRACKER_SMTP_HOST",
                    week,
                    path,
                )
                return
            mailer = Mailer.from_settings(settings)
            send_digest(engine, document, mailer, now)
    except AlreadySent as exc:
        log.info("weekly digest: %s", exc)
        return
    except REPORTABLE as exc:
        log.error("weekly digest failed: %s", exc)
        return
    log.info(
        "weekly digest of %s written to %s and sent to %s", week, path, ", ".join(mailer.recipients)
    )
