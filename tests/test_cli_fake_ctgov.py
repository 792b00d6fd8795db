"""`tracker fake-ctgov DIR` serves study files as a local ClinicalTrials.gov for offline use."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Tracker
from ctgov_builders import make_study, nct
from scenarios import LIVER, write_claims
from smtp_fixtures import free_port


def test_serves_a_folder_of_studies_that_a_sync_can_use(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in (1, 2):
        study = make_study(nct(number), **LIVER, first_posted="2026-11-25")
        (corpus / f"{nct(number)}.json").write_text(json.dumps(study))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tracker", "fake-ctgov", str(corpus), "--port", str(port)],
        env={"PATH": os.environ.get("PATH", "")},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        announced = server.stderr.readline()
        assert announced == f"serving 2 studies; set CTGOV_API_URL=http://127.0.0.1:{port}/api/v2\n"
        url = re.search(r"CTGOV_API_URL=(\S+)", announced).group(1)  # type: ignore[union-attr]
        monkeypatch.setenv("CTGOV_API_URL", url)
        monkeypatch.setenv("TRACKER_RATE_LIMIT", "0")
        tracker("claims", "load", str(write_claims(tmp_path)))
        synced = json.loads(tracker("sync", "--claim", "liver-msc", "--format", "json").out)
        assert synced[0]["links_created"] == 2
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)


def test_refuses_what_is_not_a_folder(tracker: Tracker, tmp_path: Path) -> None:
    result = tracker("fake-ctgov", str(tmp_path / "missing"))
    assert (result.status, result.err) == (
        2,
        f"tracker: error: {tmp_path / 'missing'} is not a folder of study files\n",
    )
