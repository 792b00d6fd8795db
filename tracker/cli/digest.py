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


def _write(ctx: Context, text: str, out: str | None, default: Path) -> None:
    from tracker.digest.files import save

    if out == "-":
        ctx.out.write(text)
        return
    print(f"wrote {save(text, Path(out) if out else default)}", file=ctx.err)


def run_digest(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.digest.build import build_digest
    from tracker.digest.files import default_path
    from tracker.digest.render import render
    from tracker.digest.send import Mailer, send_digest

    if args.force and not args.send:
        raise UsageError("--force only makes sense with --send")
    week = IsoWeek.parse(args.week) if args.week else IsoWeek.last_complete(ctx.now().date())
    mailer = Mailer.from_settings(ctx.settings) if args.send else None
    with ctx.transaction() as session:
        document = build_digest(session, week, ctx.settings.zone, args.min_severity)
    _write(ctx, render(document, args.format), args.out, default_path(week, args.format))
    if mailer is not None:
        send_digest(ctx.engine(), document, mailer, ctx.now(), force=args.force)
        print(f"sent the digest of {week} to {', '.join(mailer.recipients)}", file=ctx.err)
    return 0
