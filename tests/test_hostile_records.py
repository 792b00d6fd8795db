"""One bad study never fails its claim: variants of a real record that no database holds
as given are cleaned, or skipped with one warning naming the study and the field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Tracker
from hostile import SAMPLE, variant
from sqlalchemy import Engine, select

from db.engine import transaction
from db.models import ClaimStudy, Study, SyncRun
from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov
from tracker.sync import sync
from tracker.sync.storable import MAX_ERROR_LENGTH, clean_text, shown

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)

CLAIMS = """\
article:
  id: get73
  title: "GET73 and alcohol"
claims:
  - id: get73-alcohol
    text: "GET73 changes glutamate in alcohol use disorder."
    as_of: 2026-01-01
    topic:
      conditions: ["alcohol use disorder"]
"""
LONG_CODE = "RECRUITING_" + "X" * 40


CLEANED = {
    "NCT90000001": {"identificationModule.briefTitle": "GET73 \ud800 in alcohol"},
    "NCT90000002": {"identificationModule.officialTitle": "GET73\x00 in alcohol"},
    "NCT90000003": {
        "conditionsModule.keywords": ["glu\x00tamate", "\udfffGABA"],
        "sponsorCollaboratorsModule.leadSponsor": {"name": "Sponsor\x00 \ud83d"},
    },
}
SKIPPED = {
    "NCT90000011": ({"statusModule.overallStatus": LONG_CODE}, "overall_status"),
    "NCT90000012": ({"designModule.studyType": LONG_CODE}, "study_type"),
    "NCT90000013": ({"designModule.enrollmentInfo": {"count": 10**20}}, "enrollment"),
    "NCT90000014": ({"designModule.enrollmentInfo": {"count": 10**12}}, "enrollment"),
    "NCT90000015": (
        {"designModule.enrollmentInfo": {"count": 30, "type": LONG_CODE}},
        "enrollment_type",
    ),
    "NCT90000016": (
        {"statusModule.startDateStruct": {"date": "2018-01", "type": LONG_CODE}},
        "start_date_type",
    ),
}
NO_ID = "NCT" + "1" * 21


@pytest.fixture
def hostile_registry(registry: FakeCtgov) -> FakeCtgov:
    registry.put_study(SAMPLE)
    for nct_id, changes in CLEANED.items():
        registry.put_study(variant(nct_id, **changes))
    for nct_id, (changes, _) in SKIPPED.items():
        registry.put_study(variant(nct_id, **changes))
    registry.put_study(variant(NO_ID))
    return registry


def test_bad_studies_are_cleaned_or_skipped_and_the_claim_syncs(
    tracker: Tracker, hostile_registry: FakeCtgov, engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "claims.yaml").write_text(CLAIMS)
    tracker("claims", "load", str(tmp_path / "claims.yaml"))
    client = CtgovClient(hostile_registry.url, rate_limit=None)

    report = sync(engine, client, clock=lambda: NOW)

    assert report.failed == []
    with transaction(engine) as session:
        linked = set(session.scalars(select(ClaimStudy.nct_id)))
        studies = {s.nct_id: s for s in session.scalars(select(Study))}
        run = session.scalars(select(SyncRun)).one()
        assert linked == {"NCT03418623", *CLEANED}
        assert studies["NCT90000001"].brief_title == "GET73 \ufffd in alcohol"
        assert studies["NCT90000002"].official_title == "GET73 in alcohol"
        assert studies["NCT90000003"].keywords == ["glutamate", "\ufffdGABA"]
        assert studies["NCT90000003"].lead_sponsor == "Sponsor \ufffd"
        assert (run.outcome, run.claims_synced, run.studies_skipped) == ("succeeded", 1, 7)
        skipped = [w for w in run.warnings if "field" in w]
        assert [w for w in run.warnings if w not in skipped] == [
            {
                "claim_id": "get73-alcohol",
                "warning": "walk ended with 10 distinct studies of the 11 announced",
            }
        ]
        assert sorted((w["nct_id"], w["field"]) for w in skipped) == sorted(
            (nct_id, field) for nct_id, (_, field) in SKIPPED.items()
        )


def test_each_skipped_study_is_one_warning_naming_it_and_its_field(
    tracker: Tracker, hostile_registry: FakeCtgov, tmp_path: Path
) -> None:
    (tmp_path / "claims.yaml").write_text(CLAIMS)
    tracker("claims", "load", str(tmp_path / "claims.yaml"))

    result = tracker("sync", "--format", "json")

    assert result.status == 0
    lines = result.err.splitlines()
    assert len(lines) == len(SKIPPED) + 1
    for nct_id, (_, field) in SKIPPED.items():
        assert sum(nct_id in line and f"field {field}:" in line for line in lines) == 1
    assert sum("usable nctId" in line and len(line) < 200 for line in lines) == 1


def test_a_skipped_study_stays_as_it_was_stored_until_the_registry_mends_it(
    tracker: Tracker, registry: FakeCtgov, engine: Engine, tmp_path: Path
) -> None:
    (tmp_path / "claims.yaml").write_text(CLAIMS)
    tracker("claims", "load", str(tmp_path / "claims.yaml"))
    client = CtgovClient(registry.url, rate_limit=None)
    registry.put_study(SAMPLE)
    sync(engine, client, clock=lambda: NOW)
    registry.put_study(variant("NCT03418623", **{"statusModule.overallStatus": LONG_CODE}))

    report = sync(engine, client, clock=lambda: NOW, full=True)

    assert report.failed == []
    with transaction(engine) as session:
        study = session.get(Study, "NCT03418623")
        link = session.get(ClaimStudy, ("get73-alcohol", "NCT03418623"))
        assert study is not None
        assert study.overall_status == "COMPLETED"
        assert link is not None
        assert link.is_matching


def test_text_cleaning_keeps_good_text_and_drops_only_what_cannot_be_stored() -> None:
    assert clean_text("Ünïcode – ok 🙂") == "Ünïcode – ok 🙂"
    assert clean_text("a\x00b\ud800c") == "ab\ufffdc"


def test_error_texts_are_one_bounded_line() -> None:
    text = shown("INSERT INTO studies\n" + "(x) " * 10_000 + "\x00")
    assert "\n" not in text
    assert "\x00" not in text
    assert len(text) == MAX_ERROR_LENGTH
