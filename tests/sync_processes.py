"""A sync in a child process against the fake registry, and the registry days it waits on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Tracker
from ctgov_builders import make_study, nct
from scenarios import MYELOMA, day_one, write_claims

from tracker.fake_registry import FakeCtgov

MANY = 1100
"""More studies than one API page holds, so that one claim's sync spans two pages."""


def spawn_sync(database_url: str, registry: FakeCtgov, *args: str) -> subprocess.Popen[str]:
    """`tracker sync --quiet` (and `args`) in a child process against the fake registry."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TRACKER_DATABASE_URL": database_url,
        "CTGOV_API_URL": registry.url,
        "TRACKER_RATE_LIMIT": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "sync", "--quiet", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(registry: FakeCtgov, count: int, process: subprocess.Popen[str]) -> None:
    """Wait until the registry has received `count` study-list requests."""
    deadline = time.monotonic() + 20
    while sum(path == "/studies" for path, _ in registry.requests) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the sync never reached the expected request"
        time.sleep(0.02)


def many_myeloma_studies(registry: FakeCtgov) -> None:
    for number in range(100, 100 + MANY):
        registry.put_study(make_study(nct(number), **MYELOMA, first_posted="2024-01-01"))


def synced_reference(
    tracker: Tracker,
    registry: FakeCtgov,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Day one's claims with more myeloma studies than a page: synced without interruption
    into a reference database (its URL returned), and loaded only into `database_url`,
    which the test's own syncs then use."""
    claims = write_claims(tmp_path)
    day_one(registry)
    many_myeloma_studies(registry)
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", reference)
    tracker("claims", "load", str(claims))
    assert tracker("sync", "--quiet").status == 0
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    tracker("claims", "load", str(claims))
    return reference
