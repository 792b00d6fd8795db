"""`tracker sync`: fetch, link, detect changes, raise flags."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from tracker.cli.context import Context
from tracker.cli.help import SYNC, add_command
from tracker.cli.output import add_format_option, emit
from tracker.cli.safe_text import for_terminal
from tracker.wording import plural

if TYPE_CHECKING:
    from tracker.sync import ClaimPlan, ClaimResult, SyncReport

SUMMARY_FIELDS = (
    "claim_id",
    "mode",
    "outcome",
    "fetched",
    "requests",
    "links_created",
    "unmatched",
    "events_created",
    "flags_created",
    "error",
)
SUMMARY_TABLE = (
    "claim_id",
    "mode",
    "outcome",
    "fetched",
    "requests",
    "links",
    "unmatched",
    "events",
    "flags",
)
TABLE_NAMES = {"links": "links_created", "events": "events_created", "flags": "flags_created"}
"""Shorter headers, so that the summary fits 80 columns; JSON keeps the full names."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "sync",
        "fetch each claim's studies, link them, record changes, raise flags",
        """The nightly job. Searches ClinicalTrials.gov with each active claim's topic
        (only what changed since the last sync, unless `--full`), stores and links the
        studies, records dated events and raises flags. Exit status 1 when any claim
        failed; the others are kept.""",
        [
            "tracker sync",
            "tracker sync --claim allogeneic-transplant-leukemia --full",
            "tracker sync --quiet   # for cron",
        ],
        SYNC,
    )
    parser.add_argument(
        "--claim",
        dest="claims",
        action="append",
        metavar="CLAIM_ID",
        help="sync only this claim (repeatable; default: every active claim)",
    )
    parser.add_argument(
        "--full", action="store_true", help="fetch every matching study, not only updated ones"
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print nothing but errors (for cron)",
    )
    add_format_option(parser, ("table", "json"))
    parser.set_defaults(run=run_sync)


class TerminalProgress:
    """One self-rewriting status line on a terminal: claims done / total, studies fetched."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.position = ""
        self.fetched = 0

    def _draw(self, text: str) -> None:
        self.stream.write(f"\r\033[K{text}")
        self.stream.flush()

    def claim_started(self, plan: ClaimPlan, index: int, total: int) -> None:
        self.position = f"[{index + 1}/{total}] {plan.claim_id} ({plan.mode})"
        self._draw(f"{self.position}: {self.fetched} studies fetched")

    def page_done(self, plan: ClaimPlan, fetched: int) -> None:
        self._draw(f"{self.position}: {self.fetched + fetched} studies fetched")

    def claim_done(self, result: ClaimResult) -> None:
        self.fetched += result.fetched

    def close(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def _summary(report: SyncReport) -> list[dict[str, Any]]:
    return [{name: getattr(result, name) for name in SUMMARY_FIELDS} for result in report.results]


def totals(report: SyncReport) -> str:
    results = report.results
    ok = [r for r in results if r.error is None]
    fetched = sum(r.fetched for r in results)
    return (
        f"{plural(len(results), 'claim')}: {len(ok)} synced, {len(results) - len(ok)} failed;"
        f" {plural(fetched, 'study', 'studies')} fetched in {plural(report.requests, 'request')};"
        f" {plural(sum(r.links_created for r in ok), 'new link')},"
        f" {plural(sum(r.events_created for r in ok), 'event')},"
        f" {plural(sum(r.flags_created for r in ok), 'flag')}"
    )


def run_sync(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.cli import INTERRUPTS
    from tracker.compose import registry_client
    from tracker.sync import sync

    progress = None if args.quiet or not ctx.err.isatty() else TerminalProgress(ctx.err)
    with registry_client(ctx.settings) as client:
        try:
            report = sync(
                ctx.engine(),
                client,
                clock=ctx.now,
                claim_ids=args.claims,
                full=args.full,
                progress=progress,
                full_sync_days=ctx.settings.full_sync_days,
                checkpoint=INTERRUPTS.check,
            )
        finally:
            if progress is not None:
                progress.close()
    if not report.results and not args.claims:
        print(
            "tracker: no claims loaded: load the built-in ones with `tracker claims load`,"
            " or your own with `tracker claims load FILE_OR_DIR`",
            file=ctx.err,
        )
        return 0
    if not args.quiet:
        rows = [
            {**row, **{short: row[long] for short, long in TABLE_NAMES.items()}}
            for row in _summary(report)
        ]
        emit(rows, args.format, ctx.out, fields=SUMMARY_FIELDS, table=SUMMARY_TABLE)
        if args.format != "json":
            print(totals(report), file=ctx.out)
    for failed in report.failed:
        error = for_terminal(failed.error or "")
        print(f"tracker: claim {failed.claim_id} failed: {error}", file=ctx.err)
    return 1 if report.failed else 0
