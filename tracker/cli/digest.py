"""`tracker digest`: the weekly digest, written to a file and optionally mailed."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.context import Context
from tracker.cli.output import add_format_option
from tracker.digest.formats import FORMATS
from tracker.digest.week import IsoWeek
from tracker.errors import UsageError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("digest", help="what changed in a week, claim by claim")
    parser.add_argument(
        "--week", metavar="YYYY-Www", help="ISO week (default: the last complete one)"
    )
    add_format_option(parser, FORMATS)
    parser.add_argument(
        "--out", metavar="PATH", help="where to write it (default digests/WEEK.EXT; - for stdout)"
    )
    parser.add_argument("--send", action="store_true", help="also mail it (TRACKER_SMTP_*)")
    parser.add_argument(
        "--force", action="store_true", help="with --send: send a week already sent"
    )
    parser.set_defaults(run=run_digest)


def run_digest(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.digest.files import default_path
    from tracker.digest.publish import publish_digest

    if args.force and not args.send:
        raise UsageError("--force only makes sense with --send")
    week = IsoWeek.parse(args.week) if args.week else IsoWeek.last_complete(ctx.now().date())
    to = ctx.out if args.out == "-" else Path(args.out or default_path(week, args.format))
    published = publish_digest(
        ctx.engine(),
        ctx.settings,
        week,
        ctx.now(),
        fmt=args.format,
        to=to,
        send=args.send,
        force=args.force,
        on_saved=lambda path: print(f"wrote {path}", file=ctx.err),
    )
    if published.recipients:
        print(f"sent the digest of {week} to {', '.join(published.recipients)}", file=ctx.err)
    return 0
