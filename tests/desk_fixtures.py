"""The evidence desk's test fixtures: the demo's database, copied per test, and the desk
served on it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import build_demo_database, open_desk, served
from sqlalchemy import Engine


@pytest.fixture(scope="module")
def desk_demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's database, built once per test module."""
    return build_demo_database(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def desk_database_url(desk_demo_file: Path, tmp_path: Path) -> str:
    """A copy of the demo's database for one test."""
    copy = tmp_path / "desk.db"
    shutil.copyfile(desk_demo_file, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def desk(desk_database_url: str) -> Iterator[tuple[str, Engine]]:
    """The desk served on loopback: its URL and its engine."""
    app, engine = open_desk(desk_database_url)
    with served(app) as url:
        yield url, engine
    engine.dispose()
