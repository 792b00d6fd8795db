"""`tracker demo`: the whole loop offline in under a minute, in a folder of its own.

It never reads the user's configuration or database: its settings are its own (a SQLite
file in the demo folder, the fake ClinicalTrials.gov on loopback, UTC), and its clock is
simulated, so that what it prints does not depend on the day it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tracker.cli.context import Context
from tracker.cli.help import add_command
from tracker.errors import UsageError

if TYPE_CHECKING:
    from tracker.config import Settings
    from tracker.fake_registry import FakeCtgov

DEFAULT_FOLDER = Path("tracker-demo")
DATABASE_NAME = "demo.db"
SYNC_TIME = time(2, 30)
READ_TIME = time(9, 0)


class DemoContext(Context):
    """A context whose clock the demo sets."""

    def __init__(self, settings: Settings, *, out: TextIO, err: TextIO, clock: datetime) -> None:
        super().__init__(settings, out=out, err=err)
        self.clock = clock

    def now(self) -> datetime:
        return self.clock


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "demo",
        "run the whole loop offline on real trial records, in a folder of its own",
        """Loads the built-in claims into a new SQLite database in DIR, serves real
        ClinicalTrials.gov records on the claims' subjects from a local fake registry,
        syncs, simulates two nights in which trials complete, post results and stop, then
        prints the evidence status, the open flags and the week's digest (also written to
        DIR/digests/ as Markdown and HTML). No network, no configuration read; your own
        database is never touched. Running it again starts the demo afresh.""",
        ["tracker demo", "tracker demo --dir /tmp/tracker-demo"],
    )
    parser.add_argument(
        "--dir",
        dest="folder",
        type=Path,
        default=DEFAULT_FOLDER,
        metavar="DIR",
        help=f"the demo's folder (default ./{DEFAULT_FOLDER}); only DIR/{DATABASE_NAME} and "
        "DIR/digests/ are written",
    )
    parser.set_defaults(run=run_demo, reads_settings=False)


def _heading(ctx: Context, text: str) -> None:
    print(f"\n== {text}", file=ctx.out)
    ctx.out.flush()


def _command(ctx: Context, *argv: str) -> None:
    from tracker.cli import build_parser

    args = build_parser(argv).parse_args(argv)
    args.run(ctx, args)


def _night(
    ctx: DemoContext,
    fake: FakeCtgov,
    day: date,
    changes: list[tuple[str, Callable[[dict[str, Any], date], dict[str, Any]], str]],
    records: dict[str, dict[str, Any]],
) -> None:
    from tracker.cli.sync import totals
    from tracker.ctgov.client import CtgovClient
    from tracker.sync import sync

    for nct_id, change, what in changes:
        records[nct_id] = change(records[nct_id], day)
        fake.put_study(records[nct_id])
        print(f"  the registry posts: {nct_id} {what}", file=ctx.out)
    fake.set_data_timestamp(f"{day.isoformat()}T01:00:00")
    ctx.clock = datetime.combine(day, SYNC_TIME, UTC)
    print(f"  tracker sync at {ctx.clock:%Y-%m-%d %H:%M} UTC", file=ctx.out)
    with CtgovClient(fake.url, rate_limit=0) as client:
        report = sync(ctx.engine(), client, clock=ctx.now)
    print(f"  {totals(report)}", file=ctx.out)


def _fresh(folder: Path) -> Path:
    """The demo's folder with its own database removed, so that each run starts afresh."""
    database = folder / DATABASE_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in (database, database.with_name(DATABASE_NAME + ".sync.lock")):
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot use {folder} for the demo: {exc.strerror or exc}") from None
    return database


def run_demo(outer: Context, args: argparse.Namespace) -> int:
    from claims.builtin import builtin_files
    from claims.parse import parse_files
    from tracker.config import Settings
    from tracker.demo import RECORDS_DIR
    from tracker.demo.nights import (
        completed,
        not_recruiting,
        ongoing_links,
        results_posted,
        screening_candidate,
        stopped,
        timeline,
    )
    from tracker.digest.week import IsoWeek
    from tracker.fake_registry import FakeCtgov, load_corpus

    database = _fresh(args.folder)
    raw = load_corpus(RECORDS_DIR)
    records = {study["protocolSection"]["identificationModule"]["nctId"]: study for study in raw}
    as_of = [c.as_of for a in parse_files(builtin_files()) for c in a.claims if c.as_of]
    days = timeline(as_of, raw)
    with FakeCtgov(raw, data_timestamp=f"{days.first_sync.isoformat()}T01:00:00") as fake:
        settings = Settings(
            database_url=f"sqlite:///{database}",
            ctgov_api_url=fake.url,
            rate_limit=0,
            timezone="UTC",
        )
        ctx = DemoContext(
            settings,
            out=outer.out,
            err=outer.err,
            clock=datetime.combine(days.first_sync, SYNC_TIME, UTC),
        )
        try:
            print(
                f"tracker demo: {len(records)} real ClinicalTrials.gov records served on"
                f" {fake.url}; database {database}",
                file=ctx.out,
            )
            _heading(ctx, "tracker claims load  (the built-in claims)")
            _command(ctx, "claims", "load")
            _heading(ctx, f"first sync, {days.first_sync:%A %Y-%m-%d}")
            _night(ctx, fake, days.first_sync, [], records)
            with ctx.transaction() as session:
                candidate = screening_candidate(session)
            if candidate is not None:
                claim_id, nct_id = candidate
                _heading(ctx, "an editor screens a trial the registry's broad search found")
                _command(ctx, "trials", claim_id, "--tier", "indirect")
                note = "tests the claim's transplant in this population"
                _command(
                    ctx, "screen", claim_id, nct_id, "--include", "--by", "demo", "--note", note
                )
            with ctx.transaction() as session:
                ongoing = ongoing_links(session)
            first, second = [*ongoing, None, None][:2]
            night_1: list[Any] = []
            night_2: list[Any] = []
            if first is not None:
                night_1.append((first, completed, "COMPLETED"))
                night_2.append((first, results_posted, "posts its results"))
            if second is not None:
                night_1.append((second, not_recruiting, "no longer recruiting"))
                night_2.append((second, stopped, "TERMINATED (slow accrual)"))
            _heading(ctx, f"night 1, {days.night_1:%A %Y-%m-%d}")
            _night(ctx, fake, days.night_1, night_1, records)
            _heading(ctx, f"night 2, {days.night_2:%A %Y-%m-%d}")
            _night(ctx, fake, days.night_2, night_2, records)
            ctx.clock = datetime.combine(days.night_2, READ_TIME, UTC)
            _heading(ctx, "tracker status")
            _command(ctx, "status")
            _heading(ctx, "tracker flags")
            _command(ctx, "flags")
            week = str(IsoWeek.containing(days.night_2))
            digests = args.folder / "digests"
            _heading(ctx, f"tracker digest --week {week}")
            _command(
                ctx,
                "digest",
                "--week",
                week,
                "--format",
                "html",
                "--out",
                str(digests / f"{week}.html"),
            )
            _command(ctx, "digest", "--week", week, "--out", str(digests / f"{week}.md"))
            ctx.err.flush()
            _command(ctx, "digest", "--week", week, "--out", "-")
            _heading(ctx, "next")
            print(
                f"  explore the demo's database: TRACKER_DATABASE_URL=sqlite:///{database}"
                " tracker claims show CLAIM_ID --history",
                file=ctx.out,
            )
        finally:
            ctx.close()
    return 0
