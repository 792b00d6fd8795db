"""A study fetched with the hash it is stored with needs no row built; one whose JSON
changed is rebuilt, compared and reported as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Tracker
from ctgov_builders import make_study, nct
from scenarios import LIVER, day_one, write_claims
from sync_helpers import state

from tracker.fake_registry import FakeCtgov
from tracker.sync import claim as claim_module
from tracker.sync.study_rows import study_row


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The NCT ids whose `studies` row the sync builds."""
    seen: list[str] = []

    def counting(record: Any, fingerprint: str | None = None) -> dict[str, Any]:
        seen.append(record.nct_id)
        return study_row(record, fingerprint)

    monkeypatch.setattr(claim_module, "study_row", counting)
    return seen


def test_only_studies_whose_json_changed_get_a_row_built(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path, built: list[str]
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path)))
    day_one(registry)
    tracker("sync", "--quiet")
    first = sorted(set(built))
    built.clear()

    tracker("sync", "--full", "--quiet")
    unchanged = list(built)
    before = state(database_url)
    registry.put_study(make_study(nct(1), **LIVER, status="COMPLETED", first_posted="2025-01-10"))
    tracker("sync", "--full", "--quiet")
    after = state(database_url)
    new_events = [event[:2] for event in after["events"] if event not in before["events"]]

    assert first == [nct(n) for n in range(1, 6)]
    assert unchanged == []
    assert sorted(set(built) - set(unchanged)) == [nct(1)]
    assert ("status_changed", nct(1)) in new_events
    assert after["studies"][nct(1)] != before["studies"][nct(1)]
