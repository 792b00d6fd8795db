"""A run's row in `sync_runs`: opened before the first claim, closed however the run ends."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, update

from db.engine import transaction
from db.enums import RunOutcome
from db.errors import DatabaseError
from db.models import SyncRun
from tracker.interrupts import critical
from tracker.sync.claim import ClaimResult

if TYPE_CHECKING:
    from tracker.sync.run import SyncReport

log = logging.getLogger(__name__)

MAX_WARNINGS = 100
"""How many warnings (skipped studies) a run record keeps; `studies_skipped` counts all."""


@critical
def start_run(
    engine: Engine,
    now: datetime,
    full: bool,
    data_timestamp: str | None,
    total: int,
    api_url: str,
) -> int:
    with transaction(engine) as session:
        session.execute(
            update(SyncRun)
            .where(SyncRun.outcome == RunOutcome.RUNNING)
            .values(outcome=RunOutcome.INTERRUPTED)
        )
        run = SyncRun(
            started_at=now,
            outcome=RunOutcome.RUNNING,
            full=full,
            data_timestamp=data_timestamp,
            claims_total=total,
            errors=[],
            api_url=api_url,
        )
        session.add(run)
        session.flush()
        return run.id


def outcome_of(results: Sequence[ClaimResult]) -> RunOutcome:
    failed = sum(result.error is not None for result in results)
    if not failed:
        return RunOutcome.SUCCEEDED
    return RunOutcome.FAILED if failed == len(results) else RunOutcome.PARTIAL


@critical
def finish_run(engine: Engine, report: SyncReport, now: datetime) -> None:
    """Record the run's outcome; when that fails (a full disk), record it without the
    error texts and warnings, which take the room, rather than leave the run `running`."""
    values = _finished(report, now)
    try:
        _update_run(engine, report.run_id, values)
    except DatabaseError as exc:
        log.warning("cannot record the run in full (%s): recording its outcome alone", exc)
        _update_run(engine, report.run_id, {**values, "errors": [], "warnings": []})


def _update_run(engine: Engine, run_id: int, values: dict[str, Any]) -> None:
    with transaction(engine) as session:
        session.execute(update(SyncRun).where(SyncRun.id == run_id).values(**values))


def _finished(report: SyncReport, now: datetime) -> dict[str, Any]:
    results = report.results
    ok = [result for result in results if result.error is None]
    warnings = [
        *report.warnings,
        *({"claim_id": r.claim_id, "warning": r.warning} for r in results if r.warning),
        *(warning for r in ok for warning in r.warnings),
    ]
    return {
        "finished_at": now,
        "outcome": report.outcome,
        "claims_synced": len(ok),
        "claims_failed": len(results) - len(ok),
        "requests": report.requests,
        "studies_fetched": sum(r.fetched for r in results),
        "links_created": sum(r.links_created for r in ok),
        "events_created": sum(r.events_created for r in ok),
        "flags_created": sum(r.flags_created for r in ok),
        "studies_skipped": report.malformed + sum(r.skipped for r in ok),
        "warnings": warnings[:MAX_WARNINGS],
        "errors": [{"claim_id": r.claim_id, "error": r.error} for r in results if r.error],
    }
