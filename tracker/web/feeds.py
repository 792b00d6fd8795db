"""Atom feeds of flags, newest first, for feed readers and chat integrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from tracker.web.http import Request, Response
from tracker.web.pages import Pages

FEED_ENTRIES = 100
FEED_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def flags_feed(
    pages: Pages, request: Request, flags: list[dict[str, Any]], claim_id: str | None
) -> Response:
    """The newest `FEED_ENTRIES` flags of one claim or of all of them."""
    newest = sorted(flags, key=lambda f: (f["raised_at"], f["id"]), reverse=True)[:FEED_ENTRIES]
    base = request.origin
    entries = [
        {
            **flag,
            "updated": _stamp(flag["acknowledged_at"] or flag["raised_at"]),
            "published": _stamp(flag["raised_at"]),
            "link": f"{base}/claims/{quote(flag['claim_id'])}#flag-{flag['id']}",
        }
        for flag in newest
    ]
    path = f"/feeds/claims/{quote(claim_id)}.atom" if claim_id else "/feeds/flags.atom"
    updated = max((entry["updated"] for entry in entries), default=_stamp(FEED_EPOCH))
    text = pages.text(
        "feed.atom.j2",
        request,
        claim_id=claim_id,
        entries=entries,
        updated=updated,
        self_url=base + path,
        home=base + (f"/claims/{quote(claim_id)}" if claim_id else "/"),
    )
    return Response(text, content_type="application/atom+xml; charset=utf-8")
