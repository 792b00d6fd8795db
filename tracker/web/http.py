"""Requests and responses over the WSGI environ, and nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from tracker.web.errors import WebError

MAX_FORM_BYTES = 64 * 1024


@dataclass
class Request:
    environ: dict[str, Any]
    params: dict[str, str] = field(default_factory=dict)
    session: str = ""

    @property
    def method(self) -> str:
        return str(self.environ.get("REQUEST_METHOD", "GET")).upper()

    @property
    def path(self) -> str:
        return str(self.environ.get("PATH_INFO", "/")) or "/"

    def header(self, name: str) -> str | None:
        if name.lower() == "content-type":
            return self.environ.get("CONTENT_TYPE")
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"))

    @property
    def query(self) -> dict[str, str]:
        parsed = parse_qs(str(self.environ.get("QUERY_STRING", "")))
        return {key: values[-1] for key, values in parsed.items()}

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(str(self.environ.get("HTTP_COOKIE", "")))
        except Exception:
            return {}
        return {key: morsel.value for key, morsel in jar.items()}

    def form(self) -> dict[str, str]:
        """The urlencoded body, read once; anything bigger than a form is refused."""
        if "tracker.form" not in self.environ:
            try:
                length = int(self.environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_FORM_BYTES:
                raise WebError("the form is too large")
            body = self.environ["wsgi.input"].read(length) if length > 0 else b""
            parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            self.environ["tracker.form"] = {key: values[-1] for key, values in parsed.items()}
        return self.environ["tracker.form"]

    @property
    def origin(self) -> str:
        """This server's origin as the browser sees it (scheme and Host header)."""
        scheme = self.environ.get("wsgi.url_scheme", "http")
        host = self.environ.get("HTTP_HOST") or self.environ.get("SERVER_NAME", "")
        return f"{scheme}://{host}"


@dataclass
class Response:
    body: bytes | str = b""
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


def redirect(location: str) -> Response:
    """See other: the browser GETs `location` after a POST, so a reload never resends it."""
    return Response(b"", "303 See Other", headers=[("Location", location)])


def local_target(target: str | None, default: str) -> str:
    """A redirect target that stays on this site (a path), else `default`."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
