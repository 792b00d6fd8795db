"""The WSGI application: a table of routes, the guard in front of them, errors as pages."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from tracker.errors import REPORTABLE
from tracker.web import views
from tracker.web.errors import NotFound, WebError
from tracker.web.http import Request, Response, local_target, redirect
from tracker.web.pages import Pages
from tracker.web.security import AUTH_COOKIE, SESSION_COOKIE, Guard

log = logging.getLogger(__name__)

Handler = Callable[["Desk", Request], Response]

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", r"/", views.claims_page),
    ("GET", r"/claims/(?P<claim_id>[^/]+)", views.claim_page),
    ("POST", r"/claims/(?P<claim_id>[^/]+)/screen", views.screen_trial),
    ("POST", r"/claims/(?P<claim_id>[^/]+)/acknowledge", views.acknowledge_flags),
    ("GET", r"/queue", views.queue_page),
    ("GET", r"/digests", views.digests_page),
    ("GET", r"/digests/(?P<week>\d{4}-W\d{2})", views.digest_page),
    ("GET", r"/trials/(?P<nct_id>[A-Za-z0-9]+)", views.trial_page),
    ("GET", r"/feeds/flags\.atom", views.all_flags_feed),
    ("GET", r"/feeds/claims/(?P<claim_id>[^/]+)\.atom", views.claim_feed),
    ("GET", r"/static/(?P<name>[a-z]+\.(?:css|js))", views.static_file),
]
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'"
OPEN_PATHS = ("/login", "/static/")
"""Reachable without the token: the login form and what it is styled with."""


@dataclass
class Desk:
    """What every view gets: the database, the clock and its zone, the templates, the guard."""

    engine: Engine
    clock: Callable[[], datetime]
    zone: ZoneInfo
    guard: Guard
    pages: Pages

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        response = self.respond(request)
        headers = [
            ("Content-Type", response.content_type),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            *response.headers,
        ]
        if not any(name == "Content-Security-Policy" for name, _ in response.headers):
            headers.append(("Content-Security-Policy", CSP))
        if request.session and request.cookies.get(SESSION_COOKIE) != request.session:
            headers.append(("Set-Cookie", _cookie(SESSION_COOKIE, request.session)))
        start_response(response.status, headers)
        return [response.bytes()]

    def respond(self, request: Request) -> Response:
        request.session = request.cookies.get(SESSION_COOKIE) or self.guard.new_session()
        try:
            if request.path == "/login":
                return self._login(request)
            if not request.path.startswith(OPEN_PATHS) and not self.guard.authorised(request):
                return self._unauthorised(request)
            handler = self._route(request)
            if request.method == "POST":
                self.guard.check_post(request)
            return handler(self, request)
        except WebError as exc:
            return self.pages.error(request, exc.status, str(exc))
        except REPORTABLE as exc:
            return self.pages.error(request, "400 Bad Request", str(exc))
        except Exception:
            log.exception("%s %s", request.method, request.path)
            return self.pages.error(request, "500 Internal Server Error", "something went wrong")

    def _route(self, request: Request) -> Handler:
        allowed = False
        wanted = "GET" if request.method == "HEAD" else request.method
        for method, pattern, handler in ROUTES:
            match = re.fullmatch(pattern, request.path)
            if match is None:
                continue
            if method == wanted:
                request.params = match.groupdict()
                return handler
            allowed = True
        if allowed:
            raise _MethodNotAllowed("that address does not take this kind of request")
        raise NotFound(f"nothing at {request.path}")

    def _unauthorised(self, request: Request) -> Response:
        if request.method == "GET" and "text/html" in (request.header("Accept") or ""):
            return redirect("/login?next=" + quote(request.path))
        response = self.pages.error(request, "401 Unauthorized", "this desk needs its token")
        response.headers.append(("WWW-Authenticate", 'Bearer realm="tracker"'))
        return response

    def _login(self, request: Request) -> Response:
        target = local_target(request.query.get("next"), "/")
        if request.method == "POST":
            self.guard.check_post(request)
            if not self.guard.token_matches(request.form().get("token", "")):
                return self.pages.login(request, target, "401 Unauthorized", "wrong token")
            response = redirect(target)
            response.headers.append(("Set-Cookie", _cookie(AUTH_COOKIE, self.guard.auth_cookie())))
            return response
        return self.pages.login(request, target)


class _MethodNotAllowed(WebError):
    status = "405 Method Not Allowed"


def _cookie(name: str, value: str) -> str:
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict"


def make_app(engine: Engine, clock: Callable[[], datetime], token: str | None, zone: Any) -> Desk:
    """The desk over a migrated database."""
    guard = Guard(token)
    return Desk(engine, clock, zone, guard, Pages(zone, guard))
