"""A sync run: every active claim (or those named), one transaction each, one run at a time.

`tracker.sync.plan` decides how much of each claim to fetch; a claim's walk is fetched
whole first (`tracker.sync.fetch`), then applied in one short transaction
(`tracker.sync.claim`); a claim that fails is rolled back whole and retried by the next
run; the others still sync. `tracker.sync.registry` keeps a database to one registry, and
`tracker.sync.run_record` keeps the run's row in `sync_runs`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from claims.errors import UnknownClaim
from db.engine import display_url, transaction
from db.enums import ClaimStatus, RunOutcome
from db.errors import DatabaseError
from db.locks import HeldLock, LockHeld, LockLost, exclusive
from db.models import Article, Claim, ClaimSyncState
from tracker.config import DEFAULT_FULL_SYNC_DAYS
from tracker.ctgov.client import CtgovClient
from tracker.errors import (
    ApiError,
    ApiRefused,
    ApiUnavailable,
    SyncAlreadyRunning,
    UsageError,
)
from tracker.interrupts import critical
from tracker.sync.claim import ClaimPlan, ClaimResult, ClaimSync
from tracker.sync.collector import fewer_collections
from tracker.sync.fetch import fetch_walk
from tracker.sync.plan import plan_claim, walk_queries, watermark_of
from tracker.sync.registry import bind_registry, check_registry, registry_timestamp
from tracker.sync.run_record import finish_run, outcome_of, start_run
from tracker.sync.storable import shown

log = logging.getLogger(__name__)

LOCK_NAME = "sync"


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
    warnings: list[dict[str, str]] = field(default_factory=list)
    malformed: int = 0
    """Studies the client skipped for want of a usable NCT id."""

    @property
    def failed(self) -> list[ClaimResult]:
        return [result for result in self.results if result.error is not None]


@dataclass(frozen=True)
class SyncOptions:
    """How a run goes: what `tracker sync`'s flags and settings ask of it."""

    claim_ids: Sequence[str] | None = None
    full: bool = False
    full_sync_days: int = DEFAULT_FULL_SYNC_DAYS
    progress: SyncProgress | None = None
    should_stop: Callable[[], bool] | None = None
    """Asked before each claim: once it says yes, the run ends `interrupted`."""
    checkpoint: Callable[[], None] | None = None
    """Called around each page's writes and before each commit; what it raises (the
    command line: a deferred interrupt) rolls the claim in hand back and ends the run."""


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
        if isinstance(exc, ApiUnavailable | ApiRefused):
            self.in_a_row, self.reason = self.in_a_row + 1, exc.reason
        else:
            self.in_a_row = 0

    def succeeded(self) -> None:
        self.in_a_row = 0

    @property
    def open(self) -> bool:
        return self.in_a_row >= self.LIMIT


class _Run:
    """One run in progress: what every claim's sync needs, gathered once."""

    def __init__(
        self,
        engine: Engine,
        client: CtgovClient,
        now: datetime,
        options: SyncOptions,
        guard: Callable[[], None],
    ) -> None:
        self.engine, self.client, self.now = engine, client, now
        self.options, self.guard = options, guard
        self.breaker = _Breaker()
        self.data_timestamp: str | None = None
        self.warnings: list[dict[str, str]] = []
        self.report: SyncReport | None = None
        """The run's report once its record is written: a run with a record is closed."""

    def open(self, claims: int) -> SyncReport:
        """Check the registry (when there is a claim to sync) and record the run's start."""
        if claims:
            check_registry(self.engine, self.client.base_url, self.options.full)
            self.data_timestamp = registry_timestamp(
                self.client, self.breaker.failed, self.warnings
            )
            bind_registry(self.engine, self.client.base_url, self.now)
        return self._start(claims)

    @critical
    def _start(self, claims: int) -> SyncReport:
        """Write the run's record and keep its report, with no signal in between: a run
        recorded as running and no report to close it would stay running."""
        run_id = start_run(
            self.engine,
            self.now,
            self.options.full,
            self.data_timestamp,
            claims,
            self.client.base_url,
        )
        self.report = SyncReport(
            run_id, RunOutcome.RUNNING, self.data_timestamp, warnings=self.warnings
        )
        return self.report

    def plan(self, claim: Claim, state: ClaimSyncState | None) -> ClaimPlan:
        return plan_claim(
            claim,
            state,
            full=self.options.full,
            data_timestamp=self.data_timestamp,
            now=self.now,
            full_sync_days=self.options.full_sync_days,
        )

    def sync_claim(self, plan: ClaimPlan, run_id: int) -> ClaimResult:
        """Fetch one claim's walk, then apply it in one transaction; a failure is the
        claim's result, not the run's end (unless the lock was lost)."""
        if plan.mode == "unchanged":
            return ClaimResult(plan.claim_id, plan.mode)
        if self.breaker.open:
            error = f"not tried: ClinicalTrials.gov is unavailable ({self.breaker.reason})"
            return ClaimResult(plan.claim_id, plan.mode, error=error)
        before, fetched = self.client.requests_made, 0

        def page_done(so_far: int) -> None:
            nonlocal fetched
            fetched = so_far
            if self.options.progress is not None:
                self.options.progress.page_done(plan, so_far)

        try:
            result = self._fetch_and_apply(plan, run_id, page_done)
            self.breaker.succeeded()
        except LockLost:
            raise
        except (ApiError, DatabaseError) as exc:
            self.breaker.failed(exc)
            result = ClaimResult(plan.claim_id, plan.mode, fetched=fetched, error=shown(str(exc)))
        except Exception as exc:
            log.exception("claim %s: unexpected error", plan.claim_id)
            error = shown(f"internal error: {type(exc).__name__}: {exc}")
            result = ClaimResult(plan.claim_id, plan.mode, fetched=fetched, error=error)
        result.requests = self.client.requests_made - before
        return result

    def _fetch_and_apply(
        self, plan: ClaimPlan, run_id: int, page_done: Callable[[int], None]
    ) -> ClaimResult:
        queries = walk_queries(plan.topic, plan.updated_since)
        with fetch_walk(self.client, queries, page_done) as walk:
            with transaction(self.engine) as session:
                claim_sync = ClaimSync(session.connection(), plan, run_id, self.now, self.guard)
                for page in walk.pages():
                    claim_sync.apply(page)
                watermark = watermark_of(self.data_timestamp, self.now)
                claim_sync.finish(self.data_timestamp, watermark, complete=walk.complete)
            result = claim_sync.result
            result.warning = walk.describe() or None
        if result.warning:
            log.info("claim %s: %s", plan.claim_id, result.warning)
        return result


def sync(
    engine: Engine,
    client: CtgovClient,
    *,
    clock: Callable[[], datetime],
    claim_ids: Sequence[str] | None = None,
    full: bool = False,
    progress: SyncProgress | None = None,
    should_stop: Callable[[], bool] | None = None,
    full_sync_days: int = DEFAULT_FULL_SYNC_DAYS,
    checkpoint: Callable[[], None] | None = None,
) -> SyncReport:
    """Sync the active claims (or those named); only one sync runs per database at a time.

    The keyword arguments are those of `SyncOptions`. A run interrupted between claims
    (`should_stop`) ends after the claim in hand, whose transaction completes; losing the
    lock (`LockLost`) or what `checkpoint` raises rolls the claim in hand back.
    """
    options = SyncOptions(claim_ids, full, full_sync_days, progress, should_stop, checkpoint)
    try:
        with exclusive(engine, LOCK_NAME) as lock, fewer_collections():
            return _run(engine, client, clock, options, _guard(lock, checkpoint))
    except LockHeld:
        raise SyncAlreadyRunning(
            f"another sync is running against {display_url(engine)}; try again when it has finished"
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
    options: SyncOptions,
    guard: Callable[[], None],
) -> SyncReport:
    run = _Run(engine, client, clock(), options, guard)
    claims = _claims(engine, options.claim_ids)
    requests_before = client.requests_made
    malformed_before = client.stats.malformed_studies
    progress = options.progress
    try:
        report = run.open(len(claims))
        for index, (claim, state) in enumerate(claims):
            guard()
            if options.should_stop is not None and options.should_stop():
                report.outcome = RunOutcome.INTERRUPTED
                return report
            plan = run.plan(claim, state)
            if progress is not None:
                progress.claim_started(plan, index, len(claims))
            result = run.sync_claim(plan, report.run_id)
            report.results.append(result)
            if progress is not None:
                progress.claim_done(result)
            guard()
        report.outcome = outcome_of(report.results)
    except BaseException:
        if run.report is not None:
            run.report.outcome = RunOutcome.INTERRUPTED
        raise
    finally:
        if run.report is not None:
            run.report.requests = client.requests_made - requests_before
            run.report.malformed = client.stats.malformed_studies - malformed_before
            finish_run(engine, run.report, clock())
    return report
