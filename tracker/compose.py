"""The library's parts built from the settings, the one way the CLI and the jobs build them.

The client is imported when asked for, so that commands without it do not load `requests`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from db.engine import connect
from db.revision import ensure_schema
from tracker.config import Settings

if TYPE_CHECKING:
    from tracker.ctgov.client import CtgovClient


def open_engine(settings: Settings, *, migrate: bool = True) -> Engine:
    """The configured database; an empty one is migrated first (unless `migrate` is off)."""
    engine = connect(settings.database_url)
    if migrate:
        ensure_schema(engine)
    return engine


def registry_client(settings: Settings) -> CtgovClient:
    """A ClinicalTrials.gov client at the configured URL and rate; close it (`with`) after."""
    from tracker.ctgov.client import CtgovClient

    return CtgovClient(settings.ctgov_api_url, rate_limit=settings.rate_limit)
