"""The evidence desk over built-in claims synced against the fake registry's real records
(the demo's database, or any test database), served by waitress on loopback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from claims.builtin import builtin_files
from claims.parse import parse_files
from db.engine import connect
from db.models import Flag
from tracker.cli import main
from tracker.ctgov.client import CtgovClient
from tracker.demo import RECORDS_DIR
from tracker.demo.nights import Timeline, timeline
from tracker.fake_registry import FakeCtgov, load_corpus
from tracker.sync import sync
from tracker.web.app import Desk, make_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def build_demo_database(folder: Path) -> Path:
    """Run `tracker demo` into `folder`: its database holds two nights of real changes."""
    subprocess.run(
        [sys.executable, "-m", "tracker", "demo", "--dir", str(folder)],
        check=True,
        capture_output=True,
    )
    return folder / "demo.db"


def desk_clock(engine: Engine) -> datetime:
    """An hour after the demo's last flag: the morning an editor opens the desk."""
    with engine.connect() as connection:
        latest = connection.scalar(select(func.max(Flag.raised_at)))
    assert latest is not None
    moment = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
    return moment + timedelta(hours=1)


def open_desk(database_url: str, token: str | None = None) -> tuple[Desk, Engine]:
    engine = connect(database_url)
    now = desk_clock(engine)
    return make_app(engine, lambda: now, token, ZoneInfo("UTC")), engine


@contextmanager
def served(app: Desk) -> Iterator[str]:
    """The app on waitress at a free loopback port, for as long as the block runs.

    The test's own loop polls waitress's sockets until told to stop, then closes them
    from this thread: no wake-up pipe to write to at shutdown, so nothing can race it."""
    from waitress import wasyncore
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(timeout=10)
        wasyncore.close_all(server._map)
        server.task_dispatcher.shutdown()


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match is not None, "the page has no form"
    return match.group(1)


def cli_status(
    database_url: str, monkeypatch: Any, capsys: Any, *claim_id: str
) -> list[dict[str, Any]]:
    """`tracker status --format json` on the database, as the command prints it."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    capsys.readouterr()
    assert main(["status", *claim_id, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def card_numbers(html: str) -> dict[str, dict[str, str]]:
    """Each claim card's `data-field` numbers, by claim id."""
    cards = re.findall(r'<article class="card" data-claim="([^"]+)">(.*?)</article>', html, re.S)
    return {
        claim_id: dict(re.findall(r'data-field="([^"]+)">([^<]+)<', body))
        for claim_id, body in cards
    }


def flattened(row: dict[str, Any]) -> dict[str, str]:
    """A status row as the claims page shows it: the figures of a claim's card."""
    return {
        "evidence_level": row["evidence_level"],
        "trials_total": str(row["trials_total"]),
        "open_flags": str(sum(row["open_flags"].values())),
        "excluded": str(row["excluded"]),
        "awaiting_screening": str(row["awaiting_screening"]),
        **{group: str(n) for group, n in row["by_status_group"].items()},
        **{tier: str(n) for tier, n in row["by_tier"].items()},
    }


@dataclass
class DemoRegistry:
    """The fake registry serving the demo's real records, and the demo's days."""

    fake: FakeCtgov
    records: dict[str, dict[str, Any]]
    days: Timeline


@contextmanager
def builtin_claims_synced(
    engine: Engine, tracker: Callable[..., Any], monkeypatch: Any
) -> Iterator[DemoRegistry]:
    """The built-in claims loaded into `engine`'s database and synced once against the
    demo's records, the registry left serving for the block."""
    raw = load_corpus(RECORDS_DIR)
    records = {r["protocolSection"]["identificationModule"]["nctId"]: r for r in raw}
    as_of = [c.as_of for a in parse_files(builtin_files()) for c in a.claims if c.as_of]
    days = timeline(as_of, raw)
    with FakeCtgov(raw, data_timestamp=f"{days.first_sync}T01:00:00") as fake:
        monkeypatch.setenv("CTGOV_API_URL", fake.url)
        assert tracker("claims", "load").status == 0
        first = datetime.combine(days.first_sync, time(2, 30), UTC)
        with CtgovClient(fake.url, rate_limit=0) as client:
            sync(engine, client, clock=lambda: first)
        yield DemoRegistry(fake, records, days)
