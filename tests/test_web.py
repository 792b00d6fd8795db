"""The evidence desk over plain HTTP: its numbers, its token, its forms, its feeds."""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from desk import (
    card_numbers,
    cli_status,
    csrf_of,
    flattened,
    open_desk,
    served,
)
from sqlalchemy import Engine, func, select

from db.locks import exclusive
from db.models import ClaimStudy, Flag, ScreeningDecision
from db.views import claim_evidence_status
from tracker.cli import main
from tracker.cli.serve import check_binding, is_loopback
from tracker.errors import UsageError
from tracker.sync.run import LOCK_NAME
from tracker.web import views, writes

ATOM = "{http://www.w3.org/2005/Atom}"
TOKEN = "s3cret-desk-token"


@pytest.fixture
def guarded(desk_database_url: str) -> Iterator[str]:
    app, engine = open_desk(desk_database_url, token=TOKEN)
    with served(app) as url:
        yield url
    engine.dispose()


def test_the_claims_page_counts_equal_tracker_status_and_the_sql_view(
    desk: tuple[str, Engine],
    desk_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine = desk
    page = card_numbers(requests.get(url + "/", timeout=10).text)
    cli = {
        row["claim_id"]: flattened(row)
        for row in cli_status(desk_database_url, monkeypatch, capsys)
    }
    assert page == cli
    with engine.connect() as connection:
        view = {row.claim_id: row for row in connection.execute(select(claim_evidence_status))}
    for claim_id, numbers in page.items():
        assert numbers["trials_total"] == str(view[claim_id].trials_total)
        assert numbers["evidence_level"] == view[claim_id].evidence_level
    assert any(numbers["trials_total"] != "0" for numbers in page.values())


def test_the_claims_page_filters_by_article_level_and_open_flags(desk: tuple[str, Engine]) -> None:
    url, _ = desk
    everything = card_numbers(requests.get(url + "/", timeout=10).text)
    flagged = card_numbers(requests.get(url + "/?flags=open", timeout=10).text)
    assert flagged
    assert set(flagged) < set(everything)
    assert all(numbers["open_flags"] != "0" for numbers in flagged.values())
    level = "results-available"
    by_level = card_numbers(requests.get(url + f"/?level={level}", timeout=10).text)
    assert by_level
    assert all(n["evidence_level"] == level for n in by_level.values())
    html = requests.get(url + "/?article=liver-msc", timeout=10).text
    assert set(card_numbers(html)) < set(everything)
    assert 'data-claim="allogeneic-transplant-leukemia"' not in html


def _counted_trial(engine: Engine) -> tuple[str, str]:
    """A claim with an open flag and the flagged trial, which counts for it."""
    with engine.connect() as connection:
        row = connection.execute(
            select(Flag.claim_id, Flag.nct_id).where(Flag.acknowledged_at.is_(None)).limit(1)
        ).one()
    return row.claim_id, row.nct_id


def test_excluding_a_trial_records_the_decision_and_recounts_the_claim(
    desk: tuple[str, Engine],
    desk_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine = desk
    claim_id, nct_id = _counted_trial(engine)
    browser = requests.Session()
    before = card_numbers(browser.get(url + "/", timeout=10).text)[claim_id]
    page = browser.get(f"{url}/claims/{claim_id}", timeout=10).text
    note = "<script>alert('x')</script> not this claim"
    answer = browser.post(
        f"{url}/claims/{claim_id}/screen",
        data={"csrf": csrf_of(page), "nct_id": nct_id, "decision": "exclude", "note": note},
        headers={"Origin": url},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/claims/{claim_id}#{nct_id}"
    after = card_numbers(browser.get(url + "/", timeout=10).text)[claim_id]
    assert int(after["trials_total"]) == int(before["trials_total"]) - 1
    assert int(after["excluded"]) == int(before["excluded"]) + 1
    cli = {r["claim_id"]: flattened(r) for r in cli_status(desk_database_url, monkeypatch, capsys)}
    assert after == cli[claim_id]
    claim_page = browser.get(f"{url}/claims/{claim_id}", timeout=10).text
    assert "&lt;script&gt;alert(" in claim_page
    assert "<script>alert" not in claim_page
    with engine.connect() as connection:
        (decision,) = connection.execute(
            select(ScreeningDecision).where(ScreeningDecision.decided_by == "web")
        ).all()
    assert (decision.nct_id, decision.decision, decision.note) == (nct_id, "exclude", note)


def test_acknowledging_a_flag_closes_that_flag_only(desk: tuple[str, Engine]) -> None:
    url, engine = desk
    with engine.connect() as connection:
        open_before = connection.execute(
            select(Flag.id, Flag.claim_id).where(Flag.acknowledged_at.is_(None))
        ).all()
    flag_id, claim_id = open_before[0]
    browser = requests.Session()
    page = browser.get(f"{url}/claims/{claim_id}", timeout=10).text
    answer = browser.post(
        f"{url}/claims/{claim_id}/acknowledge",
        data={"csrf": csrf_of(page), "flag_id": str(flag_id), "note": "read the results"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303
    with engine.connect() as connection:
        still_open = connection.scalars(select(Flag.id).where(Flag.acknowledged_at.is_(None)))
        assert set(still_open) == {i for i, _ in open_before} - {flag_id}
        assert connection.scalar(select(Flag.note).where(Flag.id == flag_id)) == "read the results"


def _screened(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return connection.execute(
            select(ClaimStudy.claim_id, ClaimStudy.nct_id, ClaimStudy.screening)
            .where(ClaimStudy.screening.is_not(None))
            .order_by(ClaimStudy.claim_id, ClaimStudy.nct_id)
        ).all()


def test_a_form_without_this_sessions_token_or_from_another_site_is_refused(
    desk: tuple[str, Engine],
) -> None:
    url, engine = desk
    claim_id, nct_id = _counted_trial(engine)
    screened = _screened(engine)
    assert (claim_id, nct_id, "exclude") not in screened
    form = {"nct_id": nct_id, "decision": "exclude"}
    target = f"{url}/claims/{claim_id}/screen"
    mine, theirs = requests.Session(), requests.Session()
    their_token = csrf_of(theirs.get(f"{url}/claims/{claim_id}", timeout=10).text)
    my_token = csrf_of(mine.get(f"{url}/claims/{claim_id}", timeout=10).text)
    refused = [
        mine.post(target, data=form, timeout=10),
        mine.post(target, data={**form, "csrf": their_token}, timeout=10),
        requests.post(target, data={**form, "csrf": my_token}, timeout=10),
        mine.post(
            target,
            data={**form, "csrf": my_token},
            headers={"Origin": "http://evil.example"},
            timeout=10,
        ),
    ]
    assert [answer.status_code for answer in refused] == [403] * 4
    assert "another site" in refused[3].text
    assert _screened(engine) == screened
    accepted = mine.post(target, data={**form, "csrf": my_token}, allow_redirects=False, timeout=10)
    assert accepted.status_code == 303
    assert (claim_id, nct_id, "exclude") in _screened(engine)


def test_a_decision_waits_for_a_running_sync_then_is_refused_unchanged(
    desk: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine = desk
    monkeypatch.setattr(writes, "WAIT_SECONDS", 0.4)
    claim_id, nct_id = _counted_trial(engine)
    browser = requests.Session()
    token = csrf_of(browser.get(f"{url}/claims/{claim_id}", timeout=10).text)
    form = {"csrf": token, "nct_id": nct_id, "decision": "exclude"}
    screened = _screened(engine)
    with exclusive(engine, LOCK_NAME):
        answer = browser.post(f"{url}/claims/{claim_id}/screen", data=form, timeout=10)
    assert answer.status_code == 503
    assert "a sync is updating the database" in answer.text
    assert _screened(engine) == screened
    again = browser.post(
        f"{url}/claims/{claim_id}/screen", data=form, allow_redirects=False, timeout=10
    )
    assert again.status_code == 303
    assert (claim_id, nct_id, "exclude") in _screened(engine)


def test_with_a_token_every_page_and_feed_needs_it(guarded: str) -> None:
    for path in ("/", "/claims/allogeneic-transplant-leukemia", "/queue", "/feeds/flags.atom"):
        assert requests.get(guarded + path, timeout=10).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert requests.get(guarded + path, headers=wrong, timeout=10).status_code == 401
        right = {"Authorization": f"Bearer {TOKEN}"}
        assert requests.get(guarded + path, headers=right, timeout=10).status_code == 200
    page = requests.get(guarded + "/queue", headers={"Accept": "text/html"}, allow_redirects=False)
    assert (page.status_code, page.headers["Location"]) == (303, "/login?next=/queue")


def test_the_login_form_sets_a_cookie_only_for_the_right_token(guarded: str) -> None:
    browser = requests.Session()
    login = browser.get(guarded + "/login?next=/queue", timeout=10)
    assert login.status_code == 200
    form = {"csrf": csrf_of(login.text), "token": "wrong"}
    failed = browser.post(guarded + "/login?next=/queue", data=form, timeout=10)
    assert failed.status_code == 401
    assert browser.get(guarded + "/queue", timeout=10).status_code == 401
    form["token"] = TOKEN
    signed_in = browser.post(
        guarded + "/login?next=/queue", data=form, allow_redirects=False, timeout=10
    )
    assert (signed_in.status_code, signed_in.headers["Location"]) == (303, "/queue")
    assert TOKEN not in signed_in.headers["Set-Cookie"]
    assert browser.get(guarded + "/queue", timeout=10).status_code == 200


def _entries(xml: str) -> list[dict[str, str]]:
    root = ET.fromstring(xml)
    return [
        {
            "id": entry.findtext(f"{ATOM}id") or "",
            "published": entry.findtext(f"{ATOM}published") or "",
            "title": entry.findtext(f"{ATOM}title") or "",
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def test_the_feeds_list_flags_newest_first_for_all_claims_and_for_one(
    desk: tuple[str, Engine],
) -> None:
    url, engine = desk
    with engine.connect() as connection:
        flags = connection.execute(select(Flag.id, Flag.claim_id, Flag.raised_at)).all()
    everything = requests.get(url + "/feeds/flags.atom", timeout=10)
    assert everything.headers["Content-Type"].startswith("application/atom+xml")
    entries = _entries(everything.text)
    assert {e["id"] for e in entries} == {f"urn:tracker:flag:{f.id}" for f in flags}
    assert [e["published"] for e in entries] == sorted(
        (e["published"] for e in entries), reverse=True
    )
    claim_id = flags[0].claim_id
    own = _entries(requests.get(f"{url}/feeds/claims/{claim_id}.atom", timeout=10).text)
    assert {e["id"] for e in own} == {
        f"urn:tracker:flag:{f.id}" for f in flags if f.claim_id == claim_id
    }
    assert requests.get(url + "/feeds/claims/no-such-claim.atom", timeout=10).status_code == 404


def test_every_page_answers_and_unknown_ones_are_not_found(desk: tuple[str, Engine]) -> None:
    url, engine = desk
    claim_id, nct_id = _counted_trial(engine)
    digests = requests.get(url + "/digests", timeout=10).text
    week = re.search(r'href="/digests/(\d{4}-W\d{2})"', digests)
    assert week is not None
    pages = {
        "/queue": "Screening queue",
        f"/claims/{claim_id}": "Timeline",
        f"/trials/{nct_id}": claim_id,
        f"/digests/{week.group(1)}": "Evidence",
    }
    for path, text in pages.items():
        answer = requests.get(url + path, timeout=10)
        assert answer.status_code == 200, path
        assert text in answer.text, path
    for path in ("/claims/no-such-claim", "/trials/NCT00000000", "/nothing"):
        assert requests.get(url + path, timeout=10).status_code == 404, path
    assert requests.post(url + "/queue", timeout=10).status_code == 405


def test_only_loopback_may_be_served_without_a_token() -> None:
    assert all(is_loopback(host) for host in ("127.0.0.1", "::1", "localhost"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "192.168.1.5", "desk.example"))
    check_binding("0.0.0.0", 8080, TOKEN)
    with pytest.raises(UsageError, match="TRACKER_WEB_TOKEN"):
        check_binding("0.0.0.0", 8080, None)


def test_serve_on_a_public_address_without_a_token_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "set TRACKER_WEB_TOKEN" in err


def test_serve_on_a_port_in_use_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_a_claim_page_lists_a_tier_up_to_its_limit_and_counts_the_rest(
    desk: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine = desk
    with engine.connect() as connection:
        claim_id, tier, linked = connection.execute(
            select(ClaimStudy.claim_id, ClaimStudy.relevance_tier, func.count())
            .group_by(ClaimStudy.claim_id, ClaimStudy.relevance_tier)
            .order_by(func.count().desc(), ClaimStudy.claim_id)
            .limit(1)
        ).one()
    assert linked >= 2
    monkeypatch.setattr(views, "TIER_SHOWN", 1)
    html = requests.get(f"{url}/claims/{claim_id}", timeout=10).text
    assert html.count("data-trial=") == 1
    assert f"and {linked - 1} more" in html
    assert f"tracker trials {claim_id} --tier {tier}" in html
