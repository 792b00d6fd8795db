"""A sync run: every active claim (or those named), one transaction each, one run at a time.

A claim's first sync, a sync after its topic or `as_of` changed, and `--full` fetch every
matching study. Otherwise only studies updated since the claim's bookmark (less an
overlap) are fetched, and none at all when `/version` says the registry has not refreshed
since the claim's last sync. A claim that fails is rolled back whole and retried by the
next run; the others still sync.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import selectinload

from claims.errors import UnknownClaim
from claims.query import topic_of
from claims.spec import Topic
from db.engine import describe, transaction
from db.enums import ClaimStatus, RunOutcome
from db.errors import DatabaseError
from db.locks import HeldLock, LockHeld, LockLost, exclusive
from db.models import Article, Claim, ClaimSyncState, SyncRun
from tracker.ctgov.client import CtgovClient
from tracker.ctgov.query import StudyQuery
from tracker.errors import ApiError, ApiUnavailable, SyncAlreadyRunning, UsageError
from tracker.interrupts import critical
from tracker.sync.claim import ClaimPlan, ClaimResult, ClaimSync
from tracker.sync.storable import shown

log = logging.getLogger(__name__)

OVERLAP = timedelta(days=2)
"""How far before its bookmark an incremental sync starts, so nothing at the edge is missed."""

LOCK_NAME = "sync"
MAX_WARNINGS = 100
"""How many warnings (skipped studies) a run record keeps; `studies_skipped` counts all."""


class SyncProgress(Protocol):
    """What a sync tells whoever watches it (the command line draws it on a terminal)."""

    def claim_started(self, plan: ClaimPlan, index: int, total: int) -> None: ...

    def page_done(self, plan: ClaimPlan, fetched: int) -> None: ...

    def claim_done(self, result: ClaimResult) -> None: ...


@dataclass
class SyncReport:
    """What a run did: its outcome, each claim's result, and the requests it made in all."""

    run_id: int
    outcome: RunOutcome
    data_timestamp: str | None
    results: list[ClaimResult] = field(default_factory=list)
    requests: int = 0
    malformed: int = 0
    """Studies the client skipped for want of a usable NCT id."""

    @property
    def failed(self) -> list[ClaimResult]:
        return [result for result in self.results if result.error is not None]


def plan_claim(
    claim: Claim, state: ClaimSyncState | None, *, full: bool, data_timestamp: str | None
) -> ClaimPlan:
    """Decide how much of a claim to fetch."""
    plan = ClaimPlan(claim.id, topic_of(claim.topic), claim.topic_version, claim.as_of, "full")
    if (
        full
        or state is None
        or (state.topic_version, state.as_of) != (claim.topic_version, claim.as_of)
    ):
        return plan
    if data_timestamp is not None and state.data_timestamp == data_timestamp:
        return replace(plan, mode="unchanged")
    return replace(plan, mode="incremental", updated_since=state.watermark - OVERLAP)


def query_for(topic: Topic, updated_since: date | None = None) -> StudyQuery:
    """What to ask ClinicalTrials.gov for a topic, optionally only what was updated since."""
    return StudyQuery(
        conditions=topic.conditions,
        interventions=topic.interventions,
        terms=topic.terms,
        study_types=topic.study_types,
        updated_since=updated_since,
    )


def _watermark(data_timestamp: str | None, now: datetime) -> date:
    """The registry day the data was fetched at: its refresh date, else today."""
    try:
        return date.fromisoformat((data_timestamp or "")[:10])
    except ValueError:
        return now.date()


def _claims(
    engine: Engine, claim_ids: Sequence[str] | None
) -> list[tuple[Claim, ClaimSyncState | None]]:
    with transaction(engine) as session:
        query = select(Claim).join(Claim.article).options(selectinload(Claim.topics))
        if claim_ids:
            query = query.where(Claim.id.in_(claim_ids))
        else:
            query = query.where(Claim.status == ClaimStatus.ACTIVE)
        claims = session.scalars(query.order_by(Article.id, Claim.position)).all()
        states = {s.claim_id: s for s in session.scalars(select(ClaimSyncState))}
    if claim_ids:
        found = {claim.id: claim for claim in claims}
        for claim_id in claim_ids:
            if claim_id not in found:
                raise UnknownClaim(claim_id)
            if found[claim_id].status != ClaimStatus.ACTIVE:
                raise UsageError(f"claim {claim_id!r} is retired: load it again to sync it")
    return [(claim, states.get(claim.id)) for claim in claims]


def _data_timestamp(client: CtgovClient, breaker: _Breaker) -> str | None:
    try:
        return client.version().data_timestamp
    except ApiError as exc:
        breaker.failed(exc)
        log.warning("cannot tell whether the registry changed (%s): syncing anyway", exc)
        return None


class _Breaker:
    """Stops trying claims once the API has been unavailable twice in a row.

    Each failed claim costs several spaced, backed-off attempts; when ClinicalTrials.gov is
    down or unreachable, the remaining claims would only repeat them for nothing.
    """

    LIMIT = 2

    def __init__(self) -> None:
        self.in_a_row = 0
        self.reason = ""

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, ApiUnavailable):
            self.in_a_row, self.reason = self.in_a_row + 1, exc.reason
        else:
            self.in_a_row = 0

    def succeeded(self) -> None:
        self.in_a_row = 0

    @property
    def open(self) -> bool:
        return self.in_a_row >= self.LIMIT


@critical
def _start_run(
    engine: Engine, now: datetime, full: bool, data_timestamp: str | None, total: int
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
        )
        session.add(run)
        session.flush()
        return run.id


def _outcome(results: Sequence[ClaimResult]) -> RunOutcome:
    failed = sum(result.error is not None for result in results)
    if not failed:
        return RunOutcome.SUCCEEDED
    return RunOutcome.FAILED if failed == len(results) else RunOutcome.PARTIAL


@critical
def _finish_run(engine: Engine, report: SyncReport, now: datetime) -> None:
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
    warnings = [warning for r in ok for warning in r.warnings]
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


def _sync_claim(
    engine: Engine,
    client: CtgovClient,
    plan: ClaimPlan,
    run_id: int,
    now: datetime,
    data_timestamp: str | None,
    progress: SyncProgress | None,
    breaker: _Breaker,
    guard: Callable[[], None],
) -> ClaimResult:
    if plan.mode == "unchanged":
        return ClaimResult(plan.claim_id, plan.mode)
    if breaker.open:
        error = f"not tried: ClinicalTrials.gov is unavailable ({breaker.reason})"
        return ClaimResult(plan.claim_id, plan.mode, error=error)
    before = client.requests_made
    claim_sync: ClaimSync | None = None
    try:
        with transaction(engine) as session:
            claim_sync = ClaimSync(session, plan, run_id, now, guard)
            for page in client.iter_pages(query_for(plan.topic, plan.updated_since)):
                claim_sync.apply(page)
                if progress is not None:
                    progress.page_done(plan, claim_sync.result.fetched)
            claim_sync.finish(data_timestamp, _watermark(data_timestamp, now))
        result = claim_sync.result
        breaker.succeeded()
    except LockLost:
        raise
    except (ApiError, DatabaseError) as exc:
        breaker.failed(exc)
        result = _failure(plan, claim_sync, str(exc))
    except Exception as exc:
        log.exception("claim %s: unexpected error", plan.claim_id)
        result = _failure(plan, claim_sync, f"internal error: {type(exc).__name__}: {exc}")
    result.requests = client.requests_made - before
    return result


def _failure(plan: ClaimPlan, claim_sync: ClaimSync | None, error: str) -> ClaimResult:
    fetched = claim_sync.result.fetched if claim_sync is not None else 0
    return ClaimResult(plan.claim_id, plan.mode, fetched=fetched, error=shown(error))


def sync(
    engine: Engine,
    client: CtgovClient,
    *,
    clock: Callable[[], datetime],
    claim_ids: Sequence[str] | None = None,
    full: bool = False,
    progress: SyncProgress | None = None,
    should_stop: Callable[[], bool] | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> SyncReport:
    """Sync the active claims (or those named); only one sync runs per database at a time.

    `should_stop` is asked before each claim: once it says yes, the run ends as
    `interrupted` after the claim in hand, whose transaction completes. `checkpoint` is
    called before and after each page's writes and before each commit; whatever it raises
    (the command line: a deferred interrupt) rolls the claim in hand back and ends the run.
    Losing the lock (`LockLost`) does too.
    """
    try:
        with exclusive(engine, LOCK_NAME) as lock:
            guard = _guard(lock, checkpoint)
            return _run(engine, client, clock, claim_ids, full, progress, should_stop, guard)
    except LockHeld:
        raise SyncAlreadyRunning(
            f"another sync is running against {describe(engine)}; try again when it has finished"
        ) from None


def _guard(lock: HeldLock, checkpoint: Callable[[], None] | None) -> Callable[[], None]:
    def guard() -> None:
        if checkpoint is not None:
            checkpoint()
        lock.check()

    return guard


def _run(
    engine: Engine,
    client: CtgovClient,
    clock: Callable[[], datetime],
    claim_ids: Sequence[str] | None,
    full: bool,
    progress: SyncProgress | None,
    should_stop: Callable[[], bool] | None,
    guard: Callable[[], None],
) -> SyncReport:
    now = clock()
    claims = _claims(engine, claim_ids)
    requests_before = client.requests_made
    malformed_before = client.stats.malformed_studies
    breaker = _Breaker()
    data_timestamp = _data_timestamp(client, breaker)
    run_id = _start_run(engine, now, full, data_timestamp, len(claims))
    report = SyncReport(run_id, RunOutcome.RUNNING, data_timestamp)
    try:
        for index, (claim, state) in enumerate(claims):
            guard()
            if should_stop is not None and should_stop():
                report.outcome = RunOutcome.INTERRUPTED
                return report
            plan = plan_claim(claim, state, full=full, data_timestamp=data_timestamp)
            if progress is not None:
                progress.claim_started(plan, index, len(claims))
            result = _sync_claim(
                engine, client, plan, run_id, now, data_timestamp, progress, breaker, guard
            )
            report.results.append(result)
            if progress is not None:
                progress.claim_done(result)
            guard()
        report.outcome = _outcome(report.results)
    except BaseException:
        report.outcome = RunOutcome.INTERRUPTED
        raise
    finally:
        report.requests = client.requests_made - requests_before
        report.malformed = client.stats.malformed_studies - malformed_before
        _finish_run(engine, report, clock())
    return report
