"""`tracker schedule`: the scheduler in the foreground, or `--list` its jobs.

The command is contributed to `tracker` through the `tracker.commands` entry point, so
that the command line does not import this package (imports point jobs → tracker).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import Any

from tracker.cli.context import Context
from tracker.cli.help import SYNC, add_command
from tracker.cli.output import add_format_option, emit
from tracker.config import variable_name

FIELDS = ("id", "trigger", "next_run_time")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "schedule",
        "run the nightly sync and weekly digest jobs in the foreground",
        """Runs `tracker sync` and `tracker digest --send` on their crontab schedules until
        SIGINT or SIGTERM, keeping the jobs in the database so a restart keeps the
        schedule. `--list` prints each job and its next run instead.""",
        [
            "tracker schedule",
            "tracker schedule --list",
            "TRACKER_SYNC_CRON='0 3 * * *' tracker schedule",
        ],
        (
            *SYNC,
            "TRACKER_SYNC_CRON",
            "TRACKER_DIGEST_CRON",
            "TRACKER_SMTP_HOST",
            "TRACKER_DIGEST_TO",
        ),
    )
    parser.add_argument("--list", action="store_true", help="print the jobs and their next runs")
    add_format_option(parser, ("table", "json"))
    parser.set_defaults(run=run_schedule)


def _list(ctx: Context, fmt: str) -> int:
    from jobs.scheduler import job_specs, paused_scheduler, planned

    specs = job_specs(ctx.settings)
    with paused_scheduler(ctx.engine(), ctx.settings) as scheduler:
        rows = planned(scheduler, specs, ctx.now())
    emit(rows, fmt, ctx.out, fields=FIELDS)
    return 0


def _announce(ctx: Context, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        when = row["next_run_time"].isoformat() if row["next_run_time"] else "never"
        logging.getLogger("jobs").info("%s (%s): next run %s", row["id"], row["trigger"], when)
    if not ctx.settings.smtp_host:
        logging.getLogger("jobs").warning(
            "%s is not set: weekly digests will be written to digests/, not mailed",
            variable_name("smtp_host"),
        )


def run_schedule(ctx: Context, args: argparse.Namespace) -> int:
    if args.list:
        return _list(ctx, args.format)
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr, force=True)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("jobs").info("%s received", signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    from jobs.scheduler import run

    run(ctx.engine(), ctx.settings, stop, on_ready=lambda rows: _announce(ctx, rows))
    logging.getLogger("jobs").info("scheduler stopped")
    return 0
