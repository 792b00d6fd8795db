"""`python -m benchmarks.run`: measure every scale on every database, write the table.

For each scale and database: load the claims, run a first full sync through the fake
registry, a nightly sync with nothing changed, and, a week later, one after 1 % of the
studies changed (all with the `tracker` command, as a user would); time `tracker status`
and `tracker digest` (of that week, and of the import week) on the result; then measure
ingest throughput against the raw baseline from the first sync's recorded pages. Results
go to `benchmarks/RESULTS.md` (and `--json`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import MISSING, asdict, dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.exc import SQLAlchemyError

from benchmarks import real_corpus, relevance, report
from benchmarks.bare import bare_query_seconds, queries
from benchmarks.corpus import CHANGED_DATA_TIMESTAMP, DATA_TIMESTAMP, SCALES, Registry, generate
from benchmarks.corpus import changed_studies as changed_versions
from benchmarks.databases import Databases, PostgresServer, SqliteFiles
from benchmarks.ingest import Recording, Throughput
from benchmarks.measure import (
    CommandFailed,
    Measured,
    median_seconds,
    python,
    tracker,
    with_bytecode,
)
from benchmarks.naive import query_params
from benchmarks.registry import RecordingFake, fewest_pages, walk_requests
from benchmarks.report import Measurement
from benchmarks.timeshift import shift_back
from claims.parse import parse_file
from claims.spec import Topic
from tracker.fake_registry.corpus import API_VERSION
from tracker.sync.plan import OVERLAP, full_sync_due, query_for

RESULTS = Path(__file__).with_name("RESULTS.md")
BEFORE = Path(__file__).with_name("before-f94cd85.json")
BEFORE_SOURCE = (
    "commit f94cd85, the tracker before this benchmark's fixes (`benchmarks/before-f94cd85.json`)"
)
DAYS_SINCE_IMPORT = 7
"""The first full sync is moved this far back before the nightly syncs, so that the digest
of this week is a weekly digest after an import, as users get it (`benchmarks.timeshift`)."""


FULL_SYNC_DAYS = 30
"""Longer than the benchmark's week, so that the night after 1 % changed is the nightly
sync it measures: with the default 7 days every claim is due its periodic full walk on
that night at once, as all were imported together (in use they are staggered)."""


def _iso_week(moment: datetime) -> str:
    return moment.strftime("%G-W%V")


def _environment(database_url: str, api_url: str) -> dict[str, str]:
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("TRACKER_") and name != "CTGOV_API_URL"
    }
    return {
        **kept,
        "TRACKER_DATABASE_URL": database_url,
        "CTGOV_API_URL": api_url,
        "TRACKER_RATE_LIMIT": "0",
        "TRACKER_TIMEZONE": "UTC",
        "TRACKER_FULL_SYNC_DAYS": str(FULL_SYNC_DAYS),
    }


@dataclass
class _Syncs:
    """What the three syncs of a measurement did, and what they should have done."""

    first: Measured
    full_requests: int
    unchanged_requests: int
    changed_requests: int
    changed_studies: int
    matches: list[int]
    window: list[int]
    nights: dict[str, float]
    """The nightly syncs' wall times and the naive peer's requests and times."""


def _requests(fake: RecordingFake, args: list[str], env: dict[str, str], work: Path) -> Night:
    before = len(fake.requests)
    seconds = tracker(args, env, work).seconds
    return Night(len(fake.requests) - before, seconds)


@dataclass(frozen=True)
class Night:
    """The requests and wall time of one sync, the tracker's or the naive peer's."""

    requests: int
    seconds: float


class _NaivePeer:
    """`benchmarks.naive` on the same fake and topics, one night at a time."""

    def __init__(self, fake: RecordingFake, topics: Sequence[Topic], work: Path) -> None:
        self.fake, self.work = fake, work
        self.database = work / "naive.db"
        self.database.unlink(missing_ok=True)
        self.queries = work / "naive-queries.json"
        self.queries.write_text(json.dumps([query_params(query_for(t)) for t in topics]))

    def night(self) -> Night:
        before = len(self.fake.requests)
        start = time.perf_counter()
        python(
            ["-m", "benchmarks.naive", str(self.database), self.fake.url, str(self.queries)],
            self.work,
        )
        return Night(len(self.fake.requests) - before, time.perf_counter() - start)


def _syncs(
    registry: Registry,
    topics: Sequence[Topic],
    fake: RecordingFake,
    url: str,
    env: dict[str, str],
    work: Path,
) -> _Syncs:
    """The first full sync (recorded), a quiet nightly one, and one a week later after 1 %
    of the studies changed."""
    matches = [fake.count(query_for(topic)) for topic in topics]
    naive = _NaivePeer(fake, topics, work)
    fake.recording, before = True, len(fake.requests)
    first = tracker(["sync", "--quiet"], env, work, peak=True)
    fake.recording, full_requests = False, len(fake.requests) - before
    naive_first = naive.night()
    unchanged = _requests(fake, ["sync", "--quiet"], env, work)
    naive_unchanged = naive.night()
    shift_back(url, DAYS_SINCE_IMPORT)
    changed = changed_versions(registry)
    for raw in changed:
        fake.put_study(raw)
    fake.set_data_timestamp(CHANGED_DATA_TIMESTAMP)
    since = date.fromisoformat(DATA_TIMESTAMP[:10]) - OVERLAP
    today = datetime.now(UTC).date()
    imported = today - timedelta(days=DAYS_SINCE_IMPORT)
    # Each claim's walk that night finds its window of updates, or all its matches when
    # its periodic full walk falls due (`tracker.sync.plan.full_sync_due`).
    window = [
        count
        if full_sync_due(claim["id"], imported, today, FULL_SYNC_DAYS)
        else fake.count(query_for(topic, since))
        for claim, topic, count in zip(registry.claims, topics, matches, strict=True)
    ]
    changed_night = _requests(fake, ["sync", "--quiet"], env, work)
    naive_changed = naive.night()
    return _Syncs(
        first,
        full_requests,
        unchanged.requests,
        changed_night.requests,
        len(changed),
        matches,
        window,
        {
            "unchanged_seconds": unchanged.seconds,
            "changed_seconds": changed_night.seconds,
            "naive_first_requests": naive_first.requests,
            "naive_first_seconds": naive_first.seconds,
            "naive_unchanged_requests": naive_unchanged.requests,
            "naive_unchanged_seconds": naive_unchanged.seconds,
            "naive_changed_requests": naive_changed.requests,
            "naive_changed_seconds": naive_changed.seconds,
        },
    )


def _timings(env: dict[str, str], work: Path, repeat: int, claim_id: str) -> dict[str, float]:
    """Start-up, the read commands each beside a bare interpreter running its query,
    and `tracker digest` of this week and of the import's."""
    now = datetime.now(UTC)
    week, import_week = _iso_week(now), _iso_week(now - timedelta(days=DAYS_SINCE_IMPORT))
    commands = {
        "startup_seconds": ["--version"],
        "status_seconds": ["status"],
        "flags_seconds": ["flags"],
        "trials_seconds": ["trials", claim_id],
        "digest_seconds": ["digest", "--week", week, "--out", "-"],
        "digest_import_seconds": ["digest", "--week", import_week, "--out", "-"],
    }
    env = with_bytecode(env, work / "bytecode")
    timings = {
        name: median_seconds(args, env, work, times=repeat) for name, args in commands.items()
    }
    for command, query in queries(claim_id).items():
        name = "bare_query_seconds" if command == "status" else f"bare_{command}_seconds"
        timings[name] = bare_query_seconds(
            env["TRACKER_DATABASE_URL"], work, env, times=repeat, query=query
        )
    return timings


def _ingest(
    fake: RecordingFake, databases: Databases, label: str, claims_file: Path, work: Path
) -> tuple[Throughput, Throughput]:
    """The sync and the raw baseline on the first sync's pages, in a new database."""
    recording = work / "recording.pickle"
    version = {"apiVersion": API_VERSION, "dataTimestamp": DATA_TIMESTAMP}
    Recording(fake.pages, fake.walks, version).save(recording)
    with databases.fresh(f"ingest-{label}") as url:
        tracker(["claims", "load", str(claims_file)], _environment(url, "http://x"), work)
        ingest = python(["-m", "benchmarks.ingest", url, str(recording)], work)
    recording.unlink()
    fake.pages.close()
    fake.pages.path.unlink()
    return Throughput(**ingest["sync"]), Throughput(**ingest["baseline"])


def measure(
    registry: Registry, databases: Databases, work: Path, *, repeat: int = 5
) -> Measurement:
    """Every number of one scale on one database."""
    label = registry.scale.name
    claims_file = work / "claims.yaml"
    claims_file.write_text(yaml.safe_dump(registry.claim_file(), sort_keys=False))
    topics = [claim.topic for claim in parse_file(claims_file).claims]
    fake = RecordingFake(registry.studies, data_timestamp=DATA_TIMESTAMP, pages=work / "pages")
    with fake, databases.fresh(f"sync-{label}") as url:
        env = _environment(url, fake.url)
        tracker(["claims", "load", str(claims_file)], env, work)
        syncs = _syncs(registry, topics, fake, url, env, work)
        timings = _timings(env, work, repeat, registry.claims[0]["id"])
    synced, baseline = _ingest(fake, databases, label, claims_file, work)
    return Measurement(
        scale=label,
        database=databases.name,
        claims=len(registry.claims),
        studies=len(registry.studies),
        matches=sum(syncs.matches),
        fewest_pages=fewest_pages(syncs.matches),
        full_requests=syncs.full_requests,
        full_expected=1 + walk_requests(syncs.matches),
        full_sync_seconds=syncs.first.seconds,
        unchanged_requests=syncs.unchanged_requests,
        changed_studies=syncs.changed_studies,
        changed_requests=syncs.changed_requests,
        changed_expected=1 + walk_requests(syncs.window),
        ingest_studies=synced.studies,
        ingest_per_second=synced.per_second,
        baseline_per_second=baseline.per_second,
        peak_rss_mb=syncs.first.peak_rss_mb,
        **timings,
        **syncs.nights,
    )


def _databases(names: Sequence[str], postgres_url: str, work: Path) -> list[Databases]:
    kinds = {"sqlite": SqliteFiles(work), "postgres": PostgresServer(postgres_url)}
    return [kinds[name] for name in names]


def _measure_all(
    scales: Sequence[str],
    names: Sequence[str],
    postgres_url: str,
    repeat: int,
    corpora: Sequence[str] = ("synthetic",),
    records: Path = real_corpus.DEFAULT_FOLDER,
) -> list[Measurement]:
    results: list[Measurement] = []
    real = real_corpus.read_records(records) if "real" in corpora else []
    with tempfile.TemporaryDirectory(prefix="tracker-benchmark-") as folder:
        work = Path(folder)
        for scale in scales:
            synthetic = generate(SCALES[scale])
            for corpus in corpora:
                registry = real_corpus.dressed(synthetic, real) if corpus == "real" else synthetic
                for databases in _databases(names, postgres_url, work):
                    print(
                        f"measuring {scale} ({corpus}) on {databases.name} ...",
                        file=sys.stderr,
                        flush=True,
                    )
                    measured = measure(registry, databases, work, repeat=repeat)
                    results.append(replace(measured, corpus=corpus))
    return results


def _machine(postgres_url: str | None) -> dict[str, Any]:
    return {
        "date": date.today().isoformat(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "postgres": postgres_url is not None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scales", nargs="+", choices=SCALES, default=["small", "large"])
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgres"))
    parser.add_argument(
        "--corpus",
        nargs="+",
        choices=("synthetic", "real"),
        default=["synthetic"],
        help="synthetic studies, and/or the same registry dressed in real records",
    )
    parser.add_argument(
        "--records",
        type=Path,
        default=Path(os.environ.get("BENCHMARK_RECORDS", real_corpus.DEFAULT_FOLDER)),
        help="folder of real NCT*.json records for `--corpus real` "
        "(default: $BENCHMARK_RECORDS, else ../shared/ctgov/corpus beside the repository)",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="PostgreSQL server to create benchmark databases on "
        "(default: postgresql+psycopg://postgres@127.0.0.1:5432/postgres)",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown table to write")
    parser.add_argument("--json", type=Path, help="also write the numbers as JSON")
    parser.add_argument(
        "--before",
        type=Path,
        default=BEFORE,
        help="JSON of an earlier run, shown alongside (default: the code before the speed-ups)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of each timed query command (median)"
    )
    args = parser.parse_args(argv)
    names = args.databases or ["sqlite", "postgres"]
    try:
        results = _measure_all(
            args.scales, names, args.postgres, args.repeat, args.corpus, args.records
        )
    except (CommandFailed, SQLAlchemyError, OSError) as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"benchmark: error: {first_line}", file=sys.stderr)
        return 1
    before = _read(args.before) if args.before and args.before.exists() else []
    machine = _machine(args.postgres if "postgres" in names else None)
    source = BEFORE_SOURCE if args.before == BEFORE else f"`{args.before}`"
    kept = relevance.kept_section(args.out)
    args.out.write_text(report.markdown(results, machine, before, source) + kept)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _read(path: Path) -> list[Measurement]:
    """Measurements from `--json`; a number missing, null or NaN (a command that failed) is
    NaN."""
    defaults = {field.name: field.default for field in fields(Measurement)}
    return [
        Measurement(
            **{
                name: _number(item.get(name, None if default is MISSING else default))
                for name, default in defaults.items()
            }
        )
        for item in json.loads(path.read_text())
    ]


def _number(value: Any) -> Any:
    return float("nan") if value is None else value


if __name__ == "__main__":
    sys.exit(main())
