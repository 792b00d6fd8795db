"""Each page: parse the request, call the library as the command line does, render."""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from claims.errors import UnknownClaim
from claims.query import list_claims
from db.engine import CoreReader, transaction
from db.enums import TIER_RANK, Decision
from tracker.digest.build import build_digest
from tracker.digest.history import digest_weeks
from tracker.digest.render import render
from tracker.digest.week import IsoWeek
from tracker.flag_list import list_flags
from tracker.flags import acknowledge
from tracker.screening import screen
from tracker.status import nested, status_rows
from tracker.trial_list import claim_trials
from tracker.trials import claim_with_trials, references_of, study_links
from tracker.web import feeds
from tracker.web.errors import NotFound, WebError
from tracker.web.http import Request, Response, local_target, redirect
from tracker.web.writes import decision

if TYPE_CHECKING:
    from tracker.web.app import Desk

NOTE_LIMIT = 2000
QUEUE_SHOWN = 200
TIER_SHOWN = 200
EVENTS_SHOWN = 300
"""A claim's page lists at most this many trials per tier and events: a broad search links
thousands, and `tracker trials` / `tracker claims show --history` have them all."""
TIERS = ("direct", "indirect", "background", None)


def claims_page(desk: Desk, request: Request) -> Response:
    with transaction(desk.engine) as session:
        rows = [nested(row) for row in status_rows(CoreReader(session.connection()))]
        texts = {claim.id: claim.text for claim in list_claims(session)}
    articles = sorted({row["article_id"] for row in rows})
    levels = sorted({row["evidence_level"] for row in rows})
    article, level = request.query.get("article", ""), request.query.get("level", "")
    flagged = request.query.get("flags") == "open"
    shown = [
        row
        for row in rows
        if (not article or row["article_id"] == article)
        and (not level or row["evidence_level"] == level)
        and (not flagged or any(row["open_flags"].values()))
    ]
    return desk.pages.page(
        "claims.html.j2",
        request,
        rows=shown,
        texts=texts,
        total=len(rows),
        articles=articles,
        levels=levels,
        chosen={"article": article, "level": level, "flags": flagged},
    )


def claim_page(desk: Desk, request: Request) -> Response:
    claim_id = request.params["claim_id"]
    with transaction(desk.engine) as session:
        try:
            record = claim_with_trials(session, claim_id, history=True)
        except UnknownClaim:
            raise NotFound(f"no claim with id {claim_id}") from None
        reader = CoreReader(session.connection())
        judged = claim_trials(reader, claim_id, history=True)
        flags = list_flags(reader, claim_id=claim_id)
        (status,) = status_rows(reader, claim_id)
        references = references_of(session, claim_id)
    details = {trial["nct_id"]: trial for trial in record["trials"]}
    for trial in judged:
        trial.update(
            details.get(trial["nct_id"], {}), references=references.get(trial["nct_id"], [])
        )
    by_tier = [(tier, [t for t in judged if t["tier"] == tier]) for tier in TIERS]
    unmatched = [t for t in record["trials"] if not t["still_matching"]]
    events = record.pop("history")
    return desk.pages.page(
        "claim.html.j2",
        request,
        claim=record,
        events=events[:EVENTS_SHOWN],
        more_events=max(len(events) - EVENTS_SHOWN, 0),
        status=nested(status),
        by_tier=[(tier, trials[:TIER_SHOWN], len(trials)) for tier, trials in by_tier if trials],
        unmatched=unmatched,
        flags=flags,
    )


def _note(form: dict[str, str]) -> str | None:
    note = form.get("note", "").strip()
    if len(note) > NOTE_LIMIT:
        raise WebError(f"a note is at most {NOTE_LIMIT} characters")
    return note or None


def screen_trial(desk: Desk, request: Request) -> Response:
    claim_id = request.params["claim_id"]
    form = request.form()
    try:
        choice = Decision(form.get("decision", ""))
    except ValueError:
        raise WebError("choose include or exclude") from None
    nct_id = form.get("nct_id", "").strip()
    if not nct_id:
        raise WebError("which trial? the form named none")
    by = form.get("by", "").strip()[:100] or "web"
    with decision(desk.engine) as session:
        try:
            screen(session, claim_id, [nct_id], choice, by=by, now=desk.clock(), note=_note(form))
        except UnknownClaim:
            raise NotFound(f"no claim with id {claim_id}") from None
    default = f"/claims/{quote(claim_id)}#{quote(nct_id)}"
    return redirect(local_target(form.get("next"), default))


def acknowledge_flags(desk: Desk, request: Request) -> Response:
    claim_id = request.params["claim_id"]
    form = request.form()
    named = form.get("flag_id", "").strip()
    with decision(desk.engine) as session:
        try:
            listed = list_flags(CoreReader(session.connection()), claim_id=claim_id)
            open_ids = {flag["id"] for flag in listed}
        except UnknownClaim:
            raise NotFound(f"no claim with id {claim_id}") from None
        if named:
            if not named.isdigit() or int(named) not in open_ids:
                raise WebError(f"claim {claim_id} has no open flag {named}")
            acknowledge(session, now=desk.clock(), flag_ids=[int(named)], note=_note(form))
        else:
            acknowledge(session, now=desk.clock(), claim_id=claim_id, note=_note(form))
    return redirect(f"/claims/{quote(claim_id)}#flags")


def queue_page(desk: Desk, request: Request) -> Response:
    """Trials that count for their claim only if a person includes them, best first."""
    waiting: list[dict[str, Any]] = []
    with transaction(desk.engine) as session:
        reader = CoreReader(session.connection())
        for row in status_rows(reader):
            if not row["awaiting_screening"]:
                continue
            for trial in claim_trials(reader, row["claim_id"]):
                if trial["screening"] is None and not trial["counts"]:
                    waiting.append({**trial, "claim_id": row["claim_id"]})
    waiting.sort(
        key=lambda t: (-TIER_RANK.get(t["tier"] or "", 0), -(t["score"] or 0.0), t["claim_id"])
    )
    return desk.pages.page(
        "queue.html.j2", request, trials=waiting[:QUEUE_SHOWN], total=len(waiting)
    )


def digests_page(desk: Desk, request: Request) -> Response:
    with transaction(desk.engine) as session:
        weeks = digest_weeks(session, desk.zone, desk.clock().astimezone(desk.zone).date())
    return desk.pages.page("digests.html.j2", request, weeks=weeks)


def digest_page(desk: Desk, request: Request) -> Response:
    """The week's HTML digest exactly as it is mailed (its own page, its inline styles)."""
    week = IsoWeek.parse(request.params["week"])
    with transaction(desk.engine) as session:
        document = build_digest(session, week, desk.zone)
    response = Response(render(document, "html"))
    response.headers.append(("Content-Security-Policy", "style-src 'unsafe-inline'"))
    return response


def trial_page(desk: Desk, request: Request) -> Response:
    nct_id = request.params["nct_id"]
    with transaction(desk.engine) as session:
        study = study_links(session, nct_id)
    if study is None:
        raise NotFound(f"no stored trial {nct_id}")
    return desk.pages.page("trial.html.j2", request, trial=study)


def all_flags_feed(desk: Desk, request: Request) -> Response:
    with transaction(desk.engine) as session:
        flags = list_flags(CoreReader(session.connection()), include_acknowledged=True)
    return feeds.flags_feed(desk.pages, request, flags, None)


def claim_feed(desk: Desk, request: Request) -> Response:
    claim_id = request.params["claim_id"]
    with transaction(desk.engine) as session:
        try:
            reader = CoreReader(session.connection())
            flags = list_flags(reader, claim_id=claim_id, include_acknowledged=True)
        except UnknownClaim:
            raise NotFound(f"no claim with id {claim_id}") from None
    return feeds.flags_feed(desk.pages, request, flags, claim_id)


STATIC_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}


def static_file(desk: Desk, request: Request) -> Response:
    name = request.params["name"]
    resource = files("tracker.web") / "static" / name
    if not resource.is_file():
        raise NotFound(f"nothing at {request.path}")
    kind = STATIC_TYPES[name.rsplit(".", 1)[1]]
    response = Response(resource.read_bytes(), content_type=kind)
    response.headers.append(("Cache-Control", "max-age=300"))
    return response
