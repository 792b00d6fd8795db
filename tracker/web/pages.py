"""The desk's templates: autoescaped Jinja2, every form given this session's CSRF token."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from db.views import STATUS_GROUPS
from tracker.web.http import Request, Response
from tracker.web.security import Guard

TIER_LABELS = {
    "direct": "Direct: tests the claim",
    "indirect": "Indirect: connected through synonyms, MeSH or descriptions",
    "background": "Background: the claim's intervention is only the setting",
    None: "Not judged yet",
}


def _when(value: Any, zone: ZoneInfo) -> str:
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value.tzinfo else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _label(code: Any) -> str:
    """`ACTIVE_NOT_RECRUITING` → `active not recruiting`."""
    return "" if code is None else str(code).replace("_", " ").lower()


def _side(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("date") or "?")
    return "none" if value is None else _label(value)


def _change(detail: Any) -> str:
    """An event's detail in a few words: `recruiting → completed`, `completion date: ...`."""
    if not isinstance(detail, dict):
        return str(detail)
    if "old" in detail and "new" in detail:
        return f"{_side(detail['old'])} → {_side(detail['new'])}"
    if "matched_on" in detail:
        found = detail["matched_on"] or {}
        return "matched on " + "; ".join(
            f"{kind}: {', '.join(map(str, words))}" for kind, words in found.items() if words
        )
    parts = []
    for name, value in detail.items():
        if isinstance(value, dict) and "old" in value:
            parts.append(f"{_label(name)}: {_side(value['old'])} → {_side(value.get('new'))}")
        else:
            parts.append(f"{_label(name)}: {value}")
    return "; ".join(parts)


class Pages:
    def __init__(self, zone: ZoneInfo, guard: Guard) -> None:
        self.guard = guard
        self.environment = Environment(
            loader=PackageLoader("tracker.web", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters["when"] = lambda value: _when(value, zone)
        self.environment.filters["label"] = _label
        self.environment.filters["change"] = _change
        self.environment.globals.update(groups=tuple(STATUS_GROUPS), tier_labels=TIER_LABELS)

    def text(self, template: str, request: Request, **context: Any) -> str:
        return self.environment.get_template(template).render(
            request=request, csrf=self.guard.csrf_token(request.session), **context
        )

    def page(self, template: str, request: Request, **context: Any) -> Response:
        return Response(self.text(template, request, **context))

    def error(self, request: Request, status: str, message: str) -> Response:
        response = self.page("error.html.j2", request, status=status, message=message)
        response.status = status
        return response

    def login(
        self, request: Request, target: str, status: str = "200 OK", message: str = ""
    ) -> Response:
        response = self.page("login.html.j2", request, target=target, message=message)
        response.status = status
        return response
