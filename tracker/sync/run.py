"""A sync run: every active claim (or those named), one transaction each, one run at a time.

A claim's first sync, a sync after its topic or `as_of` changed, `--full`, and every
`full_sync_days` (on a day of its own, so that claims take turns) fetch every matching
study. Otherwise only studies updated since the claim's bookmark (less an overlap) are
fetched, and none at all when `/version` says the registry has not refreshed since the
claim's last sync. A claim's walk is fetched whole first (`tracker.sync.fetch`), then
applied in one short transaction; a claim that fails is rolled back whole and retried by
the next run; the others still sync.

Bookmarks are only valid for the registry they came from: the database is bound to one
API URL (`registry_binding`), and a sync against another stops unless it is full. With no
route to the registry at all, the run stops at its first request.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import selectinload

from claims.errors import UnknownClaim
from claims.query import stored_topic
from claims.spec import Topic
from db.engine import display_url, transaction
from db.enums import ClaimStatus, RunOutcome
from db.errors import DatabaseError
from db.locks import HeldLock, LockHeld, LockLost, exclusive
from db.models import Article, Claim, ClaimSyncState, RegistryBinding, SyncRun
from tracker.config import DEFAULT_FULL_SYNC_DAYS
from tracker.ctgov.client import CtgovClient
from tracker.ctgov.query import StudyQuery
from tracker.errors import (
    ApiError,
    ApiRefused,
    ApiUnavailable,
    ApiUnreachable,
    RegistryMismatch,
    SyncAlreadyRunning,
    UsageError,
)
from tracker.interrupts import critical
from tracker.sync.claim import ClaimPlan, ClaimResult, ClaimSync
from tracker.sync.fetch import fetch_walk
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
    warnings: list[dict[str, str]] = field(default_factory=list)
    malformed: int = 0
    """Studies the client skipped for want of a usable NCT id."""

    @property
    def failed(self) -> list[ClaimResult]:
        return [result for result in self.results if result.error is not None]


def plan_claim(
    claim: Claim,
    state: ClaimSyncState | None,
    *,
    full: bool,
    data_timestamp: str | None,
    now: datetime,
    full_sync_days: int = DEFAULT_FULL_SYNC_DAYS,
) -> ClaimPlan:
    """Decide how much of a claim to fetch."""
    plan = ClaimPlan(
        claim.id,
        stored_topic(claim.topic),
        claim.topic_version,
        claim.as_of,
        "full",
        min_relevance=claim.min_relevance,
    )
    if (
        full
        or state is None
        or (state.topic_version, state.as_of) != (claim.topic_version, claim.as_of)
    ):
        return plan
    if data_timestamp is not None and state.data_timestamp == data_timestamp:
        return replace(plan, mode="unchanged")
    if full_sync_due(claim.id, state.full_synced_at.date(), now.date(), full_sync_days):
        return plan
    return replace(plan, mode="incremental", updated_since=state.watermark - OVERLAP)


def full_sync_due(claim_id: str, last_full: date, today: date, every: int) -> bool:
    """Whether a claim's periodic full sync is due: on its own day of each `every`-day
    cycle (a hash of its id, so that claims take turns night by night), or whenever its
    last full sync is `every` days old. Full syncs catch what moves no update date, such
    as a status turned UNKNOWN. `every` 0 never asks for one."""
    if every <= 0:
        return False
    age = (today - last_full).days
    if age >= every:
        return True
    turn = int.from_bytes(hashlib.sha256(claim_id.encode()).digest()[:4], "big") % every
    return age >= 1 and today.toordinal() % every == turn


def query_for(topic: Topic, updated_since: date | None = None) -> StudyQuery:
    """What to ask ClinicalTrials.gov for a topic, optionally only what was updated since."""
    return StudyQuery(
        conditions=topic.conditions,
        interventions=topic.interventions,
        terms=topic.terms,
        study_types=topic.study_types,
        updated_since=updated_since,
        exclude_conditions=topic.exclude_conditions,
        exclude_interventions=topic.exclude_interventions,
        exclude_terms=topic.exclude_terms,
        phases=topic.phases,
    )


def named_trials_query(topic: Topic, updated_since: date | None = None) -> StudyQuery | None:
    """The extra request for the trials a claim names (`nct_ids`), applied like search
    results so that they are linked whatever the search returns; None when it names none."""
    if not topic.nct_ids:
        return None
    return StudyQuery(nct_ids=topic.nct_ids, updated_since=updated_since)


def walk_queries(topic: Topic, updated_since: date | None = None) -> list[StudyQuery]:
    """Every query a claim's sync walks: its search, then the trials it names."""
    named = named_trials_query(topic, updated_since)
    return [query_for(topic, updated_since), *([named] if named else [])]


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


def _data_timestamp(
    client: CtgovClient, breaker: _Breaker, warnings: list[dict[str, str]]
) -> str | None:
    """The registry's `dataTimestamp`; None, with one warning, when it gave none usable."""
    try:
        data_timestamp = client.version().data_timestamp
    except ApiUnreachable as exc:
        raise ApiUnreachable(
            f"{exc.reason}; check the network connection, and CTGOV_API_URL"
        ) from exc
    except ApiError as exc:
        breaker.failed(exc)
        problem = str(exc)
    else:
        if data_timestamp is not None:
            return data_timestamp
        problem = "/version gave no usable dataTimestamp"
    warning = f"cannot tell whether the registry changed ({problem}): syncing from the bookmarks"
    log.warning("%s", warning)
    warnings.append({"warning": warning})
    return None


def _check_registry(engine: Engine, api_url: str, full: bool) -> None:
    """Refuse, before any request, an incremental sync against another registry."""
    with transaction(engine) as session:
        bound = session.scalar(select(RegistryBinding.api_url))
    if bound is not None and bound != api_url and not full:
        raise RegistryMismatch(
            f"this database syncs against {bound}, but CTGOV_API_URL is {api_url}: its"
            " bookmarks are only valid for the first; set CTGOV_API_URL back, or run"
            " `tracker sync --full` to move the database to the second"
        )


def _bind_registry(engine: Engine, api_url: str, now: datetime) -> None:
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


@critical
def _start_run(
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
    fetched = 0

    def page_done(so_far: int) -> None:
        nonlocal fetched
        fetched = so_far
        if progress is not None:
            progress.page_done(plan, so_far)

    try:
        with fetch_walk(client, walk_queries(plan.topic, plan.updated_since), page_done) as walk:
            with transaction(engine) as session:
                claim_sync = ClaimSync(session, plan, run_id, now, guard)
                for page in walk.pages():
                    claim_sync.apply(page)
                claim_sync.finish(
                    data_timestamp, _watermark(data_timestamp, now), complete=walk.complete
                )
            result = claim_sync.result
            result.warning = walk.describe() or None
        if result.warning:
            log.info("claim %s: %s", plan.claim_id, result.warning)
        breaker.succeeded()
    except LockLost:
        raise
    except (ApiError, DatabaseError) as exc:
        breaker.failed(exc)
        result = ClaimResult(plan.claim_id, plan.mode, fetched=fetched, error=shown(str(exc)))
    except Exception as exc:
        log.exception("claim %s: unexpected error", plan.claim_id)
        error = shown(f"internal error: {type(exc).__name__}: {exc}")
        result = ClaimResult(plan.claim_id, plan.mode, fetched=fetched, error=error)
    result.requests = client.requests_made - before
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

    `should_stop` is asked before each claim: once it says yes, the run ends as
    `interrupted` after the claim in hand, whose transaction completes. `checkpoint` is
    called before and after each page's writes and before each commit; whatever it raises
    (the command line: a deferred interrupt) rolls the claim in hand back and ends the run.
    Losing the lock (`LockLost`) does too.
    """
    try:
        with exclusive(engine, LOCK_NAME) as lock:
            guard = _guard(lock, checkpoint)
            return _run(
                engine,
                client,
                clock,
                claim_ids,
                full,
                progress,
                should_stop,
                full_sync_days,
                guard,
            )
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
    claim_ids: Sequence[str] | None,
    full: bool,
    progress: SyncProgress | None,
    should_stop: Callable[[], bool] | None,
    full_sync_days: int,
    guard: Callable[[], None],
) -> SyncReport:
    now = clock()
    claims = _claims(engine, claim_ids)
    requests_before = client.requests_made
    malformed_before = client.stats.malformed_studies
    breaker = _Breaker()
    warnings: list[dict[str, str]] = []
    data_timestamp = None
    if claims:
        _check_registry(engine, client.base_url, full)
        data_timestamp = _data_timestamp(client, breaker, warnings)
        _bind_registry(engine, client.base_url, now)
    run_id = _start_run(engine, now, full, data_timestamp, len(claims), client.base_url)
    report = SyncReport(run_id, RunOutcome.RUNNING, data_timestamp, warnings=warnings)
    try:
        for index, (claim, state) in enumerate(claims):
            guard()
            if should_stop is not None and should_stop():
                report.outcome = RunOutcome.INTERRUPTED
                return report
            plan = plan_claim(
                claim,
                state,
                full=full,
                data_timestamp=data_timestamp,
                now=now,
                full_sync_days=full_sync_days,
            )
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
