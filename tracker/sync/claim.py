"""Syncing one claim: store each page of studies, link them, record changes, raise flags.

All of it happens in the caller's transaction, which also writes the claim's bookmark, so
a claim is either synced whole or left as it was. Each page costs a fixed number of
queries whatever its size: nothing is queried per study.

A study met under a new NCT id whose `nctIdAliases` hold a stored one has been merged by
the registry (`tracker.sync.merges`). Every write is a Core statement on the claim's
connection (`tracker.sync.writes`). A walk that was cut off (`complete=False`) marks no
link as no longer matching and moves no bookmark.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Connection, select

from claims.spec import Topic
from db.counting import counts_for_claim
from db.enums import ClaimStatus, EventKind
from db.models import Claim, ClaimStudy, ClaimSyncState, Flag, Study, StudyEvent
from db.trial_counts import refresh_trial_counts
from tracker.ctgov.records import PartialDate, StudyRecord
from tracker.relevance.links import link_relevance
from tracker.sync.flag_rules import Seen, StudyFacts, Transition, due_flags
from tracker.sync.matching import TopicMatcher
from tracker.sync.merges import follow_merges
from tracker.sync.severity import event_severity
from tracker.sync.storable import Unstorable
from tracker.sync.study_rows import COMPARED, changes, record_hash, study_row
from tracker.sync.writes import insert_rows, update_rows

log = logging.getLogger(__name__)

Mode = Literal["full", "incremental", "unchanged"]


@dataclass(frozen=True)
class ClaimPlan:
    """What to fetch for a claim, and with which topic and `as_of` to judge it."""

    claim_id: str
    topic: Topic
    topic_version: int
    as_of: date
    mode: Mode
    updated_since: date | None = None
    min_relevance: str = "direct"


@dataclass
class ClaimResult:
    """What syncing one claim did (counts of rows it created)."""

    claim_id: str
    mode: Mode
    fetched: int = 0
    requests: int = 0
    links_created: int = 0
    unmatched: int = 0
    events_created: int = 0
    flags_created: int = 0
    skipped: int = 0
    warnings: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    warning: str | None = None

    @property
    def outcome(self) -> str:
        """`synced`, `unchanged`, `short` (synced, but the walk was short or cut off),
        `failed`, or `not tried` (the registry was already unavailable)."""
        if self.error is not None:
            return "not tried" if self.error.startswith("not tried") else "failed"
        if self.warning is not None:
            return "short"
        return "unchanged" if self.mode == "unchanged" else "synced"


@dataclass
class _Page:
    """One page's studies: every storable record, rows for those not stored unchanged,
    and what the database already holds of the latter."""

    rows: dict[str, dict[str, Any]]
    records: dict[str, StudyRecord]
    hashes: dict[str, str]
    """The stored hash of each of the page's studies the database held before merges."""
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def changed(self) -> list[str]:
        return [
            nct_id
            for nct_id, old in self.stored.items()
            if old["record_hash"] != self.rows[nct_id]["record_hash"]
        ]


def _stored_relevance(link: Any) -> dict[str, Any]:
    return {
        "relevance_tier": link.relevance_tier,
        "relevance_score": link.relevance_score,
        "relevance_reasons": link.relevance_reasons,
    }


class ClaimSync:
    """Applies a claim's fetched pages to the database, one page at a time."""

    def __init__(
        self,
        connection: Connection,
        plan: ClaimPlan,
        run_id: int,
        now: datetime,
        guard: Callable[[], None] = lambda: None,
    ) -> None:
        """`guard` is called around each page's writes and at the end of `finish`, before
        the commit: what it raises rolls the claim back."""
        self.connection, self.plan, self.run_id, self.now = connection, plan, run_id, now
        self.guard = guard
        self.result = ClaimResult(plan.claim_id, plan.mode)
        self.seen: set[str] = set()
        self.matcher = TopicMatcher(plan.topic)
        self.recount: set[str] = set()
        """Claims whose trial counts this sync changed (`db.trial_counts`)."""
        self.counted: dict[str, bool] = {}
        """Whether each study of this page counts for the claim (and so may raise flags)."""

    def apply(self, records: Sequence[StudyRecord]) -> None:
        """Store, link, record and flag one page of fetched studies."""
        self.guard()
        self._apply(records)
        self.guard()

    def _apply(self, records: Sequence[StudyRecord]) -> None:
        fresh = {r.nct_id: r for r in records if r.nct_id not in self.seen}
        if not fresh:
            return
        self.seen.update(fresh)
        self.result.fetched += len(fresh)
        page = self._storable_page(fresh)
        if not page.records:
            return
        self.recount |= follow_merges(self.connection, page.records)
        page.stored = self._stored_studies(page)
        self._write_studies(page)
        linked = self._write_links(page)
        changed = set(page.changed)
        if linked:
            self.recount.add(self.plan.claim_id)
        judged = set(page.records) if self.plan.mode == "full" else linked | changed
        pairs = {
            (self.plan.claim_id, nct_id): self.plan.as_of
            for nct_id in judged
            if self.counted[nct_id]
        }
        pairs.update(self._claims_of_changed(changed))
        self._raise_flags(pairs, page.records)

    def _storable_page(self, fresh: dict[str, StudyRecord]) -> _Page:
        """The page's rows, built only for studies not stored with the same hash; a study
        no database can hold is skipped with one warning."""
        fingerprints = {nct_id: record_hash(record) for nct_id, record in fresh.items()}
        hashes: dict[str, str] = dict(
            self.connection.execute(
                select(Study.nct_id, Study.record_hash).where(Study.nct_id.in_(list(fresh)))
            ).all()
        )
        unchanged = {
            nct_id
            for nct_id, old in hashes.items()
            if fingerprints[nct_id] is not None and fingerprints[nct_id] == old
        }
        rows: dict[str, dict[str, Any]] = {}
        for nct_id, record in fresh.items():
            if nct_id in unchanged:
                continue
            try:
                rows[nct_id] = study_row(record, fingerprints[nct_id])
            except Unstorable as exc:
                log.warning("claim %s: skipping %s: %s", self.plan.claim_id, nct_id, exc)
                self.result.skipped += 1
                self.result.warnings.append(
                    {
                        "claim_id": self.plan.claim_id,
                        "nct_id": nct_id,
                        "field": exc.field,
                        "problem": exc.problem,
                    }
                )
        kept = {
            nct_id: record
            for nct_id, record in fresh.items()
            if nct_id in rows or nct_id in unchanged
        }
        return _Page(rows, kept, hashes)

    def finish(self, data_timestamp: str | None, watermark: date, *, complete: bool = True) -> None:
        """Close the walk: mark links no longer found (after a complete full walk only),
        recount the trials of the claims whose links or studies changed, and write the
        bookmark unless the walk was cut off (the next sync then covers it again)."""
        if self.plan.mode == "full" and complete:
            self._mark_unmatched()
        refresh_trial_counts(self.connection, self.recount)
        if complete:
            self._write_bookmark(data_timestamp, watermark)
        self.guard()

    def _write_bookmark(self, data_timestamp: str | None, watermark: date) -> None:
        claim_id = self.plan.claim_id
        bookmark = {
            "claim_id": claim_id,
            "topic_version": self.plan.topic_version,
            "as_of": self.plan.as_of,
            "watermark": watermark,
            "data_timestamp": data_timestamp,
            "last_run_id": self.run_id,
            "synced_at": self.now,
        }
        full = self.plan.mode == "full"
        stored = self.connection.scalar(
            select(ClaimSyncState.claim_id).where(ClaimSyncState.claim_id == claim_id)
        )
        if stored is None:
            insert_rows(self.connection, ClaimSyncState, [{**bookmark, "full_synced_at": self.now}])
        else:
            update_rows(
                self.connection,
                ClaimSyncState,
                [{**bookmark, "full_synced_at": self.now} if full else bookmark],
            )

    def _stored_studies(self, page: _Page) -> dict[str, dict[str, Any]]:
        """What the database holds of the studies given rows: the hash of each, and every
        compared column of those whose hash differs. Hashes come from the page's first read;
        a study with aliases not stored then may have just been stored by a merge
        (`follow_merges` stores a merged study under its new id), so it is read again."""
        hashes = {nct_id: page.hashes[nct_id] for nct_id in page.rows if nct_id in page.hashes}
        merged = [
            nct_id
            for nct_id in page.rows
            if nct_id not in page.hashes and page.records[nct_id].aliases
        ]
        if merged:
            found = self.connection.execute(
                select(Study.nct_id, Study.record_hash).where(Study.nct_id.in_(merged))
            )
            hashes.update(found.all())
        stored: dict[str, dict[str, Any]] = {
            nct_id: {"record_hash": stored_hash} for nct_id, stored_hash in hashes.items()
        }
        differing = [i for i, old in hashes.items() if old != page.rows[i]["record_hash"]]
        if differing:
            columns = [Study.nct_id, *(getattr(Study, name) for name in COMPARED)]
            rows_found = self.connection.execute(
                select(*columns).where(Study.nct_id.in_(differing))
            )
            stored.update({row.nct_id: row._asdict() for row in rows_found})
        return stored

    def _write_studies(self, page: _Page) -> None:
        new = [page.rows[i] for i in page.rows if i not in page.stored]
        if new:
            stamps = {"first_seen_at": self.now, "updated_at": self.now}
            insert_rows(self.connection, Study, [{**row, **stamps} for row in new])
        changed = page.changed
        if not changed:
            return
        update_rows(
            self.connection, Study, [{**page.rows[i], "updated_at": self.now} for i in changed]
        )
        events = [
            self._event(i, change.kind, change.detail, page.rows[i]["last_update_posted"])
            for i in changed
            for change in changes(page.stored[i], page.rows[i])
        ]
        self._insert_events(events)

    def _write_links(self, page: _Page) -> set[str]:
        """Link the page's studies to the claim, judging their relevance; the ids newly
        linked, matching again, or newly counting for the claim. A new link is its own
        `linked` event (its `first_linked_at`, read by `tracker.trials.events_for_claims`):
        a row per link in `study_events` was a tenth of a first sync."""
        claim_id, version = self.plan.claim_id, self.plan.topic_version
        existing = {
            link.nct_id: link
            for link in self.connection.execute(
                select(
                    ClaimStudy.nct_id,
                    ClaimStudy.is_matching,
                    ClaimStudy.topic_version,
                    ClaimStudy.matched_on,
                    ClaimStudy.relevance_tier,
                    ClaimStudy.relevance_score,
                    ClaimStudy.relevance_reasons,
                    ClaimStudy.screening,
                ).where(ClaimStudy.claim_id == claim_id, ClaimStudy.nct_id.in_(list(page.records)))
            )
        }
        new, updates, events = [], [], []
        promoted: set[str] = set()
        for nct_id, record in page.records.items():
            why = self.matcher.matched_on(record)
            relevance = link_relevance(self.plan.topic, record)
            link = existing.get(nct_id)
            screening = link.screening if link is not None else None
            self.counted[nct_id] = counts_for_claim(
                relevance["relevance_tier"], screening, self.plan.min_relevance
            )
            row = self._link_row(nct_id, why, relevance)
            if link is None:
                new.append({**row, "first_linked_at": self.now})
            elif (
                not link.is_matching
                or (link.topic_version, link.matched_on) != (version, why)
                or _stored_relevance(link) != relevance
            ):
                updates.append({**row, "unmatched_at": None})
                if not link.is_matching:
                    detail = {"topic_version": version, "matched_on": why}
                    events.append(self._event(nct_id, EventKind.REMATCHED, detail, claim=True))
                elif link.relevance_tier != relevance["relevance_tier"]:
                    self.recount.add(claim_id)
                    was = counts_for_claim(link.relevance_tier, screening, self.plan.min_relevance)
                    if self.counted[nct_id] and not was:
                        promoted.add(nct_id)
        insert_rows(self.connection, ClaimStudy, new)
        update_rows(self.connection, ClaimStudy, updates)
        self._insert_events(events)
        self.result.links_created += len(new)
        self.result.events_created += len(new)
        return {row["nct_id"] for row in new} | {event["nct_id"] for event in events} | promoted

    def _link_row(
        self, nct_id: str, why: dict[str, Any], relevance: dict[str, Any]
    ) -> dict[str, Any]:
        """A matching link's columns as this sync finds it (new, or updated in place)."""
        return {
            "claim_id": self.plan.claim_id,
            "nct_id": nct_id,
            "topic_version": self.plan.topic_version,
            "matched_on": why,
            "is_matching": True,
            **relevance,
        }

    def _claims_of_changed(self, nct_ids: set[str]) -> dict[tuple[str, str], date]:
        """The links of studies that changed: each claim they count for is recounted, and
        the other active claims' links are judged for flags with their own `as_of`."""
        if not nct_ids:
            return {}
        rows = self.connection.execute(
            select(
                ClaimStudy.claim_id,
                ClaimStudy.nct_id,
                ClaimStudy.relevance_tier,
                ClaimStudy.screening,
                Claim.as_of,
                Claim.status,
                Claim.min_relevance,
            )
            .join(Claim, Claim.id == ClaimStudy.claim_id)
            .where(ClaimStudy.nct_id.in_(sorted(nct_ids)), ClaimStudy.is_matching)
        ).all()
        self.recount.update(row.claim_id for row in rows)
        return {
            (row.claim_id, row.nct_id): row.as_of
            for row in rows
            if row.claim_id != self.plan.claim_id
            and row.status == ClaimStatus.ACTIVE
            and counts_for_claim(row.relevance_tier, row.screening, row.min_relevance)
        }

    def _history(self, nct_ids: list[str]) -> dict[str, tuple[list[Transition], Seen]]:
        """What the flag rules read of each study's events: status transitions, primary
        outcome changes and results publications added, oldest first."""
        transitions: dict[str, list[Transition]] = defaultdict(list)
        outcomes: dict[str, list[PartialDate | None]] = defaultdict(list)
        publications: dict[str, list[tuple[str, PartialDate | None]]] = defaultdict(list)
        kinds = (EventKind.STATUS_CHANGED, EventKind.OUTCOME_CHANGED, EventKind.PUBLICATION_ADDED)
        rows = self.connection.execute(
            select(StudyEvent.nct_id, StudyEvent.kind, StudyEvent.detail, StudyEvent.effective_on)
            .where(StudyEvent.kind.in_(kinds), StudyEvent.nct_id.in_(nct_ids))
            .order_by(StudyEvent.id)
        )
        for row in rows:
            on = PartialDate.parse(row.effective_on)
            if row.kind == EventKind.STATUS_CHANGED:
                transitions[row.nct_id].append(Transition(row.detail["old"], row.detail["new"], on))
            elif row.kind == EventKind.OUTCOME_CHANGED:
                outcomes[row.nct_id].append(on)
            else:
                publications[row.nct_id].append((row.detail["pmid"], on))
        return {
            nct_id: (
                transitions[nct_id],
                Seen(tuple(outcomes[nct_id]), tuple(publications[nct_id])),
            )
            for nct_id in nct_ids
        }

    def _raise_flags(
        self, pairs: dict[tuple[str, str], date], records: dict[str, StudyRecord]
    ) -> None:
        if not pairs:
            return
        nct_ids = sorted({nct_id for _, nct_id in pairs})
        claim_ids = sorted({claim_id for claim_id, _ in pairs})
        raised = {
            tuple(row)
            for row in self.connection.execute(
                select(Flag.claim_id, Flag.nct_id, Flag.kind).where(
                    Flag.nct_id.in_(nct_ids), Flag.claim_id.in_(claim_ids)
                )
            )
        }
        history = self._history(nct_ids)
        today = self.now.date()
        new = []
        for (claim_id, nct_id), as_of in sorted(pairs.items()):
            facts = StudyFacts.from_record(records[nct_id])
            transitions, seen = history[nct_id]
            for kind, due in due_flags(facts, as_of, transitions, seen, today).items():
                if (claim_id, nct_id, kind) not in raised:
                    new.append(
                        {
                            "claim_id": claim_id,
                            "nct_id": nct_id,
                            "kind": kind,
                            "reason": due.reason,
                            "effective_on": due.on and due.on.text,
                            "raised_at": self.now,
                            "run_id": self.run_id,
                        }
                    )
        insert_rows(self.connection, Flag, new)
        self.result.flags_created += len(new)

    def _mark_unmatched(self) -> None:
        claim_id = self.plan.claim_id
        matching = self.connection.scalars(
            select(ClaimStudy.nct_id).where(ClaimStudy.claim_id == claim_id, ClaimStudy.is_matching)
        ).all()
        gone = sorted(set(matching) - self.seen)
        if not gone:
            return
        self.recount.add(claim_id)
        update_rows(
            self.connection,
            ClaimStudy,
            [
                {
                    "claim_id": claim_id,
                    "nct_id": nct_id,
                    "is_matching": False,
                    "unmatched_at": self.now,
                }
                for nct_id in gone
            ],
        )
        detail = {"topic_version": self.plan.topic_version}
        self._insert_events(
            [self._event(nct_id, EventKind.UNMATCHED, detail, claim=True) for nct_id in gone]
        )
        self.result.unmatched += len(gone)

    def _event(
        self,
        nct_id: str,
        kind: EventKind,
        detail: dict[str, Any],
        effective_on: str | None = None,
        *,
        claim: bool = False,
    ) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "nct_id": nct_id,
            "claim_id": self.plan.claim_id if claim else None,
            "kind": kind,
            "observed_at": self.now,
            "effective_on": effective_on,
            "detail": detail,
            "severity": event_severity(kind, detail),
        }

    def _insert_events(self, events: list[dict[str, Any]]) -> None:
        insert_rows(self.connection, StudyEvent, events)
        self.result.events_created += len(events)
