"""`tracker digest`: the weekly digest, written to a file and optionally mailed."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.context import Context
from tracker.cli.output import add_format_option
from tracker.digest import FORMATS, IsoWeek, build_digest, render
from tracker.digest.send import Mailer, compose, record_sent, sent_before
from tracker.errors import DeliveryError, UsageError

DEFAULT_FOLDER = Path("digests")


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


def _write(ctx: Context, text: str, out: str | None, default: Path) -> None:
    if out == "-":
        ctx.out.write(text)
        return
    path = Path(out) if out else default
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"wrote {path}", file=ctx.err)


def run_digest(ctx: Context, args: argparse.Namespace) -> int:
    if args.force and not args.send:
        raise UsageError("--force only makes sense with --send")
    week = IsoWeek.parse(args.week) if args.week else IsoWeek.last_complete(ctx.now().date())
    mailer = Mailer.from_settings(ctx.settings) if args.send else None
    with ctx.transaction() as session:
        already = sent_before(session, str(week)) if mailer else None
        document = build_digest(session, week, ctx.settings.zone)
    if already is not None and not args.force:
        raise DeliveryError(
            f"the digest of {week} was sent on {already.sent_at:%Y-%m-%d %H:%M} UTC;"
            " use --force to send it again"
        )
    _write(ctx, render(document, args.format), args.out, DEFAULT_FOLDER / f"{week}.{args.format}")
    if mailer is not None:
        mailer.send(compose(document, render(document, "md"), render(document, "html"), mailer))
        with ctx.transaction() as session:
            record_sent(session, str(week), mailer.recipients, ctx.now())
        print(f"sent the digest of {week} to {', '.join(mailer.recipients)}", file=ctx.err)
    return 0
