"""Who may use the desk and which forms it trusts.

Token: with `TRACKER_WEB_TOKEN` set, a request needs `Authorization: Bearer TOKEN` or the
cookie the login form sets (an HMAC of the token under this process's key, never the
token itself). CSRF: every visitor gets a random session cookie; a form carries an HMAC of
it under the process's key, and a POST must send it back from a page of this origin
(`Origin`, else `Referer`, when the browser sends one).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from tracker.web.errors import Forbidden
from tracker.web.http import Request

SESSION_COOKIE = "tracker_session"
AUTH_COOKIE = "tracker_auth"


class Guard:
    """The process's secrets: a key made at start-up and the configured token, if any."""

    def __init__(self, token: str | None, key: bytes | None = None) -> None:
        self.token = token
        self.key = key or secrets.token_bytes(32)

    def _sign(self, purpose: str, value: str) -> str:
        message = f"{purpose}:{value}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def new_session(self) -> str:
        return secrets.token_urlsafe(24)

    def csrf_token(self, session: str) -> str:
        return self._sign("csrf", session)

    def auth_cookie(self) -> str:
        return self._sign("auth", self.token or "")

    def authorised(self, request: Request) -> bool:
        """Whether the request carries the token (header) or the login cookie; always
        when no token is configured."""
        if self.token is None:
            return True
        header = request.header("Authorization") or ""
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), self.token):
            return True
        cookie = request.cookies.get(AUTH_COOKIE, "")
        return hmac.compare_digest(cookie, self.auth_cookie())

    def token_matches(self, given: str) -> bool:
        return self.token is not None and hmac.compare_digest(given, self.token)

    def check_post(self, request: Request) -> None:
        """Refuse a POST from another origin or without this session's form token."""
        sent_from = request.header("Origin") or request.header("Referer")
        if sent_from:
            parts = urlsplit(sent_from)
            if f"{parts.scheme}://{parts.netloc}" != request.origin:
                raise Forbidden("this form was sent from another site; reload the page")
        given = request.form().get("csrf", "")
        if not request.session or not hmac.compare_digest(given, self.csrf_token(request.session)):
            raise Forbidden("this form has expired or was not made by this page; reload it")
