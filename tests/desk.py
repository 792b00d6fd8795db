"""The evidence desk over the demo's database (built-in claims synced against the fake
registry's real records), served by waitress on loopback for the tests."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from db.engine import connect
from db.models import Flag
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
    """The app on waitress at a free loopback port, for as long as the block runs."""
    from waitress import wasyncore
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match is not None, "the page has no form"
    return match.group(1)
