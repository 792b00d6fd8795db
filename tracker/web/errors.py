"""What a request can be refused for; each carries its HTTP status."""

from __future__ import annotations


class WebError(Exception):
    """A request the app refuses, shown to the user as one sentence."""

    status = "400 Bad Request"


class NotFound(WebError):
    status = "404 Not Found"


class Forbidden(WebError):
    status = "403 Forbidden"


class Busy(WebError):
    """A sync holds the database: the decision was not recorded and may be resent."""

    status = "503 Service Unavailable"
