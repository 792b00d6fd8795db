"""`tracker digest`: the weekly digest, written to a file and optionally mailed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.cli.context import Context
from tracker.cli.help import DATABASE, add_command
from tracker.cli.output import add_format_option
from tracker.digest.formats import FORMATS
from tracker.digest.week import IsoWeek
from tracker.errors import UsageError
from tracker.wording import plural

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "digest",
        "what changed in a week, claim by claim",
        """Summarises an ISO week (Monday to Sunday in TRACKER_TIMEZONE; by default the
        last complete one): flags raised, status changes, results, stopped trials, then the
        claims without changes. Written to digests/WEEK.EXT; `--send` also mails it.""",
        [
            "tracker digest",
            "tracker digest --week 2026-W48 --format html --out digest.html",
            "tracker digest --send",
        ],
        (
            *DATABASE,
            "TRACKER_TIMEZONE",
            "TRACKER_SMTP_HOST",
            "TRACKER_SMTP_PORT",
            "TRACKER_SMTP_USER",
            "TRACKER_SMTP_PASSWORD",
            "TRACKER_SMTP_FROM",
            "TRACKER_DIGEST_TO",
        ),
    )
    parser.add_argument(
        "--week", metavar="YYYY-Www", help="ISO week (default: the last complete one)"
    )
    add_format_option(parser, FORMATS)
    parser.add_argument(
        "--out", metavar="PATH", help="where to write it (default digests/WEEK.EXT; - for stdout)"
    )
    parser.add_argument(
        "--min-severity",
        choices=("critical", "notable", "minor"),
        default="minor",
        help="leave out flags and changes less severe than this (default: minor, all)",
    )
    parser.add_argument("--send", action="store_true", help="also mail it (TRACKER_SMTP_*)")
    parser.add_argument(
        "--force", action="store_true", help="with --send: send a week already sent"
    )
    parser.set_defaults(run=run_digest)


def _explain_week(ctx: Context, session: Session, chosen: IsoWeek, current: IsoWeek) -> None:
    """Say which week a digest without --week is of, and whether this week has news."""
    from tracker.digest.build import changes_in
    from tracker.digest.render import week_span

    print(
        f"digest of {chosen} ({week_span(chosen.start, chosen.end)}), the last complete week;"
        " --week YYYY-Www for another",
        file=ctx.err,
    )
    changes = changes_in(session, current, ctx.settings.zone)
    if changes:
        print(
            f"this week ({current}) has {plural(changes, 'change')} so far:"
            f" `tracker digest --week {current}` shows them",
            file=ctx.err,
        )


def run_digest(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.digest.files import default_path
    from tracker.digest.publish import publish_digest

    if args.force and not args.send:
        raise UsageError("--force only makes sense with --send")
    today = ctx.now().date()
    week = IsoWeek.parse(args.week) if args.week else IsoWeek.last_complete(today)
    to = ctx.out if args.out == "-" else Path(args.out or default_path(week, args.format))
    published = publish_digest(
        ctx.engine(),
        ctx.settings,
        week,
        ctx.now(),
        fmt=args.format,
        min_severity=args.min_severity,
        to=to,
        send=args.send,
        force=args.force,
        on_saved=lambda path: print(f"wrote {path}", file=ctx.err),
    )
    if args.week is None:
        with ctx.transaction() as session:
            _explain_week(ctx, session, week, IsoWeek.containing(today))
    if published.recipients:
        print(f"sent the digest of {week} to {', '.join(published.recipients)}", file=ctx.err)
    return 0
