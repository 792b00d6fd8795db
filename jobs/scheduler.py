"""The long-running scheduler: two jobs, kept in the tracker's own database.

Jobs live in APScheduler's SQLAlchemy job store (table `apscheduler_jobs`, made by our
migrations), so a restart keeps the schedule and any run missed while the process was
down. Missed runs are coalesced into one and still run within a grace of hours; each job
runs at most once at a time; only one scheduler runs per database. Shutting down asks a
running sync to stop after its current claim and waits for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from db.engine import display_url
from db.locks import LockHeld, exclusive
from jobs import tasks
from jobs.triggers import WallClockCronTrigger, cron_trigger
from tracker.config import Settings, variable_name
from tracker.errors import SchedulerAlreadyRunning

log = logging.getLogger(__name__)

SYNC_GRACE = timedelta(hours=23)
"""A nightly sync missed (machine asleep, process down) still runs until the next is due."""
DIGEST_GRACE = timedelta(days=6)
"""A weekly digest missed still goes out until the next one is due."""
LOCK_NAME = "scheduler"
WORKERS = 2


@dataclass(frozen=True)
class JobSpec:
    """A job as configured: what runs, when, and how late it may still run."""

    id: str
    name: str
    func: str
    expression: str
    trigger: WallClockCronTrigger
    grace: timedelta

    def matches(self, job: Job) -> bool:
        """Whether a stored job is this one unchanged (so its pending run can be kept)."""
        return (job.func_ref, repr(job.trigger), job.misfire_grace_time) == (
            self.func,
            repr(self.trigger),
            int(self.grace.total_seconds()),
        )


def job_specs(settings: Settings) -> list[JobSpec]:
    """The two jobs, with triggers from the settings (a bad expression is a ConfigError)."""
    zone = settings.zone
    return [
        JobSpec(
            "nightly-sync",
            "nightly sync",
            "jobs.tasks:nightly_sync",
            settings.sync_cron,
            cron_trigger(settings.sync_cron, zone, variable_name("sync_cron")),
            SYNC_GRACE,
        ),
        JobSpec(
            "weekly-digest",
            "weekly digest (sent by mail)",
            "jobs.tasks:weekly_digest",
            settings.digest_cron,
            cron_trigger(settings.digest_cron, zone, variable_name("digest_cron")),
            DIGEST_GRACE,
        ),
    ]


@contextmanager
def paused_scheduler(engine: Engine, settings: Settings) -> Iterator[BackgroundScheduler]:
    """A scheduler on the database's job store, started but not running jobs yet."""
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        executors={"default": ThreadPoolExecutor(max_workers=WORKERS)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=settings.zone,
    )
    scheduler.start(paused=True)
    try:
        yield scheduler
    finally:
        _shutdown(scheduler)


def _shutdown(scheduler: BackgroundScheduler) -> None:
    """Stop without losing a run that is due.

    APScheduler's `shutdown()` wakes its loop for one last pass over the due jobs, with the
    executors already gone: each due job fails to start and its stored next run moves on,
    so a pending catch-up would be lost. Pausing and detaching the job store first leaves
    that pass nothing to do. Running jobs are asked to stop (a sync ends after its claim in
    hand) and waited for.
    """
    scheduler.pause()
    scheduler.remove_jobstore("default", shutdown=False)
    tasks.STOP.set()
    try:
        scheduler.shutdown(wait=True)
    finally:
        tasks.STOP.clear()


def reconcile(scheduler: BackgroundScheduler, specs: list[JobSpec]) -> None:
    """Store the configured jobs; a stored job left unchanged keeps its pending run time."""
    wanted = {spec.id for spec in specs}
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            job.remove()
    for spec in specs:
        job = scheduler.get_job(spec.id)
        if job is not None and spec.matches(job):
            continue
        scheduler.add_job(
            spec.func,
            spec.trigger,
            id=spec.id,
            name=spec.name,
            misfire_grace_time=int(spec.grace.total_seconds()),
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )


def planned(
    scheduler: BackgroundScheduler, specs: list[JobSpec], now: datetime
) -> list[dict[str, Any]]:
    """Each job's trigger and next run: the stored one if unchanged, else the trigger's."""
    rows = []
    for spec in specs:
        job = scheduler.get_job(spec.id)
        if job is not None and spec.matches(job):
            next_run = job.next_run_time
        else:
            next_run = spec.trigger.get_next_fire_time(None, now)
        rows.append(
            {
                "id": spec.id,
                "name": spec.name,
                "trigger": f"cron {spec.expression} ({spec.trigger.timezone})",
                "next_run_time": next_run and next_run.astimezone(spec.trigger.timezone),
            }
        )
    return rows


def run(
    engine: Engine,
    settings: Settings,
    stop: threading.Event,
    on_ready: Callable[[list[dict[str, Any]]], None] | None = None,
) -> None:
    """Run the jobs until `stop` is set; one scheduler per database."""
    specs = job_specs(settings)
    try:
        with exclusive(engine, LOCK_NAME), paused_scheduler(engine, settings) as scheduler:
            reconcile(scheduler, specs)
            scheduler.resume()
            if on_ready is not None:
                on_ready(planned(scheduler, specs, datetime.now(settings.zone)))
            while not stop.wait(1):
                pass
            log.info("stopping: waiting for running jobs to finish")
    except LockHeld:
        raise SchedulerAlreadyRunning(
            f"another scheduler is running against {display_url(engine)}"
        ) from None
