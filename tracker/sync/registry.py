"""Which registry a database syncs against, and what its `/version` says.

Bookmarks are dates of one registry's data: the database is bound to one API URL
(`registry_binding`), and a sync against another stops unless it is full. With no route
to the registry at all, the run stops at its first request, `/version`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, delete, select

from db.engine import transaction
from db.models import ClaimSyncState, RegistryBinding
from tracker.ctgov.client import CtgovClient
from tracker.errors import ApiError, ApiUnreachable, RegistryMismatch

log = logging.getLogger(__name__)


def registry_timestamp(
    client: CtgovClient, on_failure: Callable[[ApiError], None], warnings: list[dict[str, str]]
) -> str | None:
    """The registry's `dataTimestamp`; None, with one warning, when it gave none usable."""
    try:
        data_timestamp = client.version().data_timestamp
    except ApiUnreachable as exc:
        raise ApiUnreachable(
            f"{exc.reason}; check the network connection, and CTGOV_API_URL"
        ) from exc
    except ApiError as exc:
        on_failure(exc)
        problem = str(exc)
    else:
        if data_timestamp is not None:
            return data_timestamp
        problem = "/version gave no usable dataTimestamp"
    warning = f"cannot tell whether the registry changed ({problem}): syncing from the bookmarks"
    log.warning("%s", warning)
    warnings.append({"warning": warning})
    return None


def check_registry(engine: Engine, api_url: str, full: bool) -> None:
    """Refuse, before any request, an incremental sync against another registry."""
    with transaction(engine) as session:
        bound = session.scalar(select(RegistryBinding.api_url))
    if bound is not None and bound != api_url and not full:
        raise RegistryMismatch(
            f"this database syncs against {bound}, but CTGOV_API_URL is {api_url}: its"
            " bookmarks are only valid for the first; set CTGOV_API_URL back, or run"
            " `tracker sync --full` to move the database to the second"
        )


def bind_registry(engine: Engine, api_url: str, now: datetime) -> None:
    """Bind a new database to `api_url`, or move it there (a full sync, checked before).

    Moving drops every claim's bookmark, so that a claim this run does not finish still
    syncs in full next time rather than incrementally from another registry's dates.
    """
    with transaction(engine) as session:
        binding = session.get(RegistryBinding, 1)
        if binding is None:
            session.add(RegistryBinding(id=1, api_url=api_url, bound_at=now))
        elif binding.api_url != api_url:
            log.warning("moving the database from %s to %s", binding.api_url, api_url)
            session.execute(delete(ClaimSyncState))
            binding.api_url, binding.bound_at = api_url, now
