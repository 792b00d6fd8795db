"""The desk on SQLite and PostgreSQL: built-in claims synced against the fake registry's
real records; a decision sent through the page changes the counts to what the command
line and the SQL view report."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import requests
from conftest import Tracker
from desk import builtin_claims_synced, card_numbers, cli_status, csrf_of, flattened, served
from sqlalchemy import Engine, select

from db.models import ClaimStudy
from db.views import claim_evidence_status
from tracker.ctgov.client import CtgovClient
from tracker.sync import sync
from tracker.web.app import make_app


def _view(engine: Engine) -> dict[str, dict[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(claim_evidence_status).where(claim_evidence_status.c.claim_status == "active")
        )
        return {
            row.claim_id: {"trials_total": str(row.trials_total), "excluded": str(row.excluded)}
            for row in rows
        }


def test_an_exclusion_through_the_page_counts_as_the_cli_and_the_view_say(
    engine: Engine,
    database_url: str,
    tracker: Tracker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with builtin_claims_synced(engine, tracker, monkeypatch):
        pass
    with engine.connect() as connection:
        claim_id, nct_id = connection.execute(
            select(ClaimStudy.claim_id, ClaimStudy.nct_id)
            .where(ClaimStudy.relevance_tier == "direct", ClaimStudy.screening.is_(None))
            .order_by(ClaimStudy.claim_id, ClaimStudy.nct_id)
            .limit(1)
        ).one()
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    app = make_app(engine, lambda: now, None, ZoneInfo("UTC"))
    with served(app) as url:
        browser = requests.Session()
        before = card_numbers(browser.get(url + "/", timeout=10).text)
        page = browser.get(f"{url}/claims/{claim_id}", timeout=10).text
        form = {"csrf": csrf_of(page), "nct_id": nct_id, "decision": "exclude"}
        sent = browser.post(
            f"{url}/claims/{claim_id}/screen", data=form, allow_redirects=False, timeout=10
        )
        assert sent.status_code == 303
        after = card_numbers(browser.get(url + "/", timeout=10).text)
    assert int(after[claim_id]["trials_total"]) == int(before[claim_id]["trials_total"]) - 1
    assert int(after[claim_id]["excluded"]) == int(before[claim_id]["excluded"]) + 1
    cli = {row["claim_id"]: flattened(row) for row in cli_status(database_url, monkeypatch, capsys)}
    assert after == cli
    view = _view(engine)
    assert {
        claim: {"trials_total": n["trials_total"], "excluded": n["excluded"]}
        for claim, n in after.items()
    } == view


def test_registry_text_is_escaped_on_every_page_that_shows_it(
    engine: Engine, tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = "<script>alert('registry')</script> & <b>bold</b>"
    with builtin_claims_synced(engine, tracker, monkeypatch) as registry:
        with engine.connect() as connection:
            claim_id, nct_id = connection.execute(
                select(ClaimStudy.claim_id, ClaimStudy.nct_id)
                .order_by(ClaimStudy.claim_id, ClaimStudy.nct_id)
                .limit(1)
            ).one()
        record = copy.deepcopy(registry.records[nct_id])
        record["protocolSection"]["identificationModule"]["briefTitle"] = hostile
        registry.fake.put_study(record)
        night = datetime.combine(registry.days.night_1, time(2, 30), UTC)
        registry.fake.set_data_timestamp(f"{registry.days.night_1}T01:00:00")
        with CtgovClient(registry.fake.url, rate_limit=0) as client:
            sync(engine, client, clock=lambda: night, full=True)
    app = make_app(engine, lambda: night, None, ZoneInfo("UTC"))
    with served(app) as url:
        pages = [f"/claims/{claim_id}", f"/trials/{nct_id}", "/queue"]
        shown = [requests.get(url + path, timeout=10).text for path in pages]
    assert "&lt;script&gt;alert(&#39;registry&#39;)&lt;/script&gt; &amp; &lt;b&gt;" in shown[0]
    assert "&lt;script&gt;alert(" in shown[1]
    assert all("<script>alert" not in html and "<b>bold" not in html for html in shown)
