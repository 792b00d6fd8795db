"""Shared fixtures: databases on SQLite and PostgreSQL, and the `tracker` command in-process.

PostgreSQL tests need `TRACKER_TEST_POSTGRES_URL` (e.g.
`postgresql+psycopg://postgres@127.0.0.1:5432/test`); each test gets a schema of its own,
dropped afterwards. Without the variable they are skipped with that reason.

`database_url` is migrated to head: on SQLite by copying a file migrated once per session.
`empty_database_url` is for the tests of migrating itself.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, create_engine, text

from db.engine import connect
from db.migrate import upgrade
from tracker.cli import main
from tracker.ctgov import client as client_module
from tracker.fake_registry import FakeCtgov

if TYPE_CHECKING:
    from ctgov_fixtures import SleepRecorder

pytest_plugins = [
    "ctgov_fixtures",
    "evidence_fixtures",
    "digest_fixtures",
    "smtp_fixtures",
    "desk_fixtures",
]

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES_URL")
SKIP_POSTGRES = "set TRACKER_TEST_POSTGRES_URL to run the PostgreSQL tests"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's tracker settings or writes in the working directory."""
    for name in list(os.environ):
        if name.startswith(("TRACKER_", "CTGOV_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections work in a fresh schema of the test database."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated to head, built once per session: tests get copies."""
    path = tmp_path_factory.mktemp("schema") / "migrated.db"
    engine = connect(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database migrated to head, once on SQLite and once on PostgreSQL."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        engine = connect(url)
        upgrade(engine)
        engine.dispose()
        return url
    path = tmp_path / "tracker.db"
    shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head."""
    engine = connect(database_url)
    yield engine
    engine.dispose()


@dataclass
class Result:
    status: int
    out: str
    err: str


Tracker = Callable[..., Result]


@pytest.fixture
def tracker(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Tracker:
    """Run the `tracker` command in-process against `database_url`."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    return _in_process(capsys)


@pytest.fixture
def tracker_on_empty(
    empty_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Tracker:
    """Run the `tracker` command in-process against `empty_database_url`."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", empty_database_url)
    return _in_process(capsys)


def _in_process(capsys: pytest.CaptureFixture[str]) -> Tracker:
    def run(*args: str) -> Result:
        try:
            status = main(list(args))
        except SystemExit as exc:
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Result(status, out, err)

    return run


@pytest.fixture
def registry(
    fake_ctgov: FakeCtgov, monkeypatch: pytest.MonkeyPatch, sleeps: SleepRecorder
) -> FakeCtgov:
    """The fake ClinicalTrials.gov, with the `tracker` command pointed at it, unthrottled,
    and its clients' waits recorded in `sleeps` instead of waited."""
    monkeypatch.setenv("CTGOV_API_URL", fake_ctgov.url)
    monkeypatch.setenv("TRACKER_RATE_LIMIT", "0")
    monkeypatch.setattr(client_module, "pause", sleeps)
    return fake_ctgov
