"""Syncing one claim: store each page of studies, link them, record changes, raise flags.

All of it happens in the caller's transaction, which also writes the claim's bookmark, so
a claim is either synced whole or left as it was. Each page costs a fixed number of
queries whatever its size: nothing is queried per study.

A study met under a new NCT id whose `nctIdAliases` hold a stored one has been merged by
the registry: the stored study takes the new id, and its links, events and flags follow
it, so the change reads as what it is rather than as "no longer matching" plus a new
trial. A walk that was cut off (`complete=False`) marks no link as no longer matching and
moves no bookmark.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from claims.spec import Topic
from db.enums import ClaimStatus, EventKind
from db.models import Base, Claim, ClaimStudy, ClaimSyncState, Flag, Study, StudyEvent
from db.trial_counts import refresh_trial_counts
from tracker.ctgov.records import PartialDate, StudyRecord
from tracker.relevance.links import counts_for_claim, link_relevance
from tracker.sync.flag_rules import Seen, StudyFacts, Transition, due_flags
from tracker.sync.matching import TopicMatcher
from tracker.sync.severity import event_severity
from tracker.sync.storable import Unstorable
from tracker.sync.study_rows import COMPARED, changes, study_row

log = logging.getLogger(__name__)

Mode = Literal["full", "incremental", "unchanged"]


def _table(model: type[Base]) -> Table:
    """A model's table, for Core statements: no ORM bookkeeping per row."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


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
    """One page's studies as rows, with what the database already holds of them."""

    rows: dict[str, dict[str, Any]]
    records: dict[str, StudyRecord]
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
        session: Session,
        plan: ClaimPlan,
        run_id: int,
        now: datetime,
        guard: Callable[[], None] = lambda: None,
    ) -> None:
        """`guard` is called around each page's writes and at the end of `finish`, before
        the commit: what it raises rolls the claim back."""
        self.session, self.plan, self.run_id, self.now = session, plan, run_id, now
        self.guard = guard
        self.db = session.connection()
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
        if not page.rows:
            return
        self._follow_merges(page.records)
        page.stored = self._stored_studies(list(page.rows))
        self._write_studies(page)
        linked = self._write_links(page)
        changed = set(page.changed)
        if linked:
            self.recount.add(self.plan.claim_id)
        judged = set(page.rows) if self.plan.mode == "full" else linked | changed
        pairs = {
            (self.plan.claim_id, nct_id): self.plan.as_of
            for nct_id in judged
            if self.counted[nct_id]
        }
        pairs.update(self._claims_of_changed(changed))
        self._raise_flags(pairs, page.records)

    def _storable_page(self, fresh: dict[str, StudyRecord]) -> _Page:
        """The page's rows; a study no database can hold is skipped with one warning."""
        rows: dict[str, dict[str, Any]] = {}
        for nct_id, record in fresh.items():
            try:
                rows[nct_id] = study_row(record)
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
        return _Page(rows, {nct_id: fresh[nct_id] for nct_id in rows})

    def finish(self, data_timestamp: str | None, watermark: date, *, complete: bool = True) -> None:
        """Close the walk: mark links no longer found (after a complete full walk only),
        recount the trials of the claims whose links or studies changed, and write the
        bookmark unless the walk was cut off (the next sync then covers it again)."""
        if self.plan.mode == "full" and complete:
            self._mark_unmatched()
        refresh_trial_counts(self.db, self.recount)
        if not complete:
            self.session.flush()
            return
        state = self.session.get(ClaimSyncState, self.plan.claim_id)
        if state is None:
            state = ClaimSyncState(claim_id=self.plan.claim_id, full_synced_at=self.now)
            self.session.add(state)
        state.topic_version, state.as_of = self.plan.topic_version, self.plan.as_of
        state.watermark, state.data_timestamp = watermark, data_timestamp
        state.last_run_id, state.synced_at = self.run_id, self.now
        if self.plan.mode == "full":
            state.full_synced_at = self.now
        self.session.flush()
        self.guard()

    def _follow_merges(self, records: dict[str, StudyRecord]) -> None:
        """Move stored studies that the registry merged into a fetched one to its new id."""
        aliases = {
            old: new
            for new, record in records.items()
            for old in record.aliases
            if old != new and old not in records
        }
        if not aliases:
            return
        studies = _table(Study)
        merged = {
            row["nct_id"]: dict(row)
            for row in self.db.execute(
                select(studies).where(studies.c.nct_id.in_(sorted(aliases)))
            ).mappings()
        }
        if not merged:
            return
        present = set(
            self.db.scalars(
                select(Study.nct_id).where(Study.nct_id.in_({aliases[old] for old in merged}))
            )
        )
        for old, row in sorted(merged.items()):
            new = aliases[old]
            if new not in present:
                self.db.execute(studies.insert(), [{**row, "nct_id": new}])
                present.add(new)
            self._move_references(old, new)
            self.db.execute(delete(studies).where(studies.c.nct_id == old))

    def _move_references(self, old: str, new: str) -> None:
        """Links, events and flags of `old` now name `new`; where `new` already has a
        link or flag of the same claim (and kind), the one of `old` gives way."""
        links, flags, events = _table(ClaimStudy), _table(Flag), _table(StudyEvent)
        kept = set(self.db.scalars(select(links.c.claim_id).where(links.c.nct_id == new)))
        moving = [
            {**row, "nct_id": new}
            for row in self.db.execute(select(links).where(links.c.nct_id == old)).mappings()
            if row["claim_id"] not in kept
        ]
        if moving:
            self.db.execute(links.insert(), moving)
            self.recount.update(row["claim_id"] for row in moving)
        taken = select(flags.c.claim_id, flags.c.kind).where(flags.c.nct_id == new)
        taken_pairs = {(row.claim_id, row.kind) for row in self.db.execute(taken)}
        for row in self.db.execute(
            select(flags.c.id, flags.c.claim_id, flags.c.kind).where(flags.c.nct_id == old)
        ).all():
            same = flags.c.id == row.id
            if (row.claim_id, row.kind) in taken_pairs:
                self.db.execute(delete(flags).where(same))
            else:
                self.db.execute(update(flags).where(same).values(nct_id=new))
        self.db.execute(delete(links).where(links.c.nct_id == old))
        self.db.execute(update(events).where(events.c.nct_id == old).values(nct_id=new))

    def _stored_studies(self, nct_ids: list[str]) -> dict[str, dict[str, Any]]:
        columns = [Study.nct_id, *(getattr(Study, name) for name in COMPARED)]
        rows = self.db.execute(select(*columns).where(Study.nct_id.in_(nct_ids)))
        return {row.nct_id: row._asdict() for row in rows}

    def _write_studies(self, page: _Page) -> None:
        new = [page.rows[i] for i in page.rows if i not in page.stored]
        if new:
            stamps = {"first_seen_at": self.now, "updated_at": self.now}
            self.db.execute(_table(Study).insert(), [{**row, **stamps} for row in new])
        changed = page.changed
        if not changed:
            return
        self.session.execute(
            update(Study), [{**page.rows[i], "updated_at": self.now} for i in changed]
        )
        events = [
            self._event(i, change.kind, change.detail, page.rows[i]["last_update_posted"])
            for i in changed
            for change in changes(page.stored[i], page.rows[i])
        ]
        self._insert_events(events)

    def _write_links(self, page: _Page) -> set[str]:
        """Link the page's studies to the claim, judging their relevance; the ids newly
        linked, matching again, or newly counting for the claim."""
        claim_id, version = self.plan.claim_id, self.plan.topic_version
        existing = {
            link.nct_id: link
            for link in self.db.execute(
                select(
                    ClaimStudy.nct_id,
                    ClaimStudy.is_matching,
                    ClaimStudy.topic_version,
                    ClaimStudy.matched_on,
                    ClaimStudy.relevance_tier,
                    ClaimStudy.relevance_score,
                    ClaimStudy.relevance_reasons,
                    ClaimStudy.screening,
                ).where(ClaimStudy.claim_id == claim_id, ClaimStudy.nct_id.in_(list(page.rows)))
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
            detail = {"topic_version": version, "matched_on": why}
            if link is None:
                new.append(
                    {
                        "claim_id": claim_id,
                        "nct_id": nct_id,
                        "topic_version": version,
                        "matched_on": why,
                        "is_matching": True,
                        "first_linked_at": self.now,
                        **relevance,
                    }
                )
                events.append(self._event(nct_id, EventKind.LINKED, detail, claim=True))
            elif (
                not link.is_matching
                or (link.topic_version, link.matched_on) != (version, why)
                or _stored_relevance(link) != relevance
            ):
                updates.append(
                    {
                        "claim_id": claim_id,
                        "nct_id": nct_id,
                        "topic_version": version,
                        "matched_on": why,
                        "is_matching": True,
                        "unmatched_at": None,
                        **relevance,
                    }
                )
                if not link.is_matching:
                    events.append(self._event(nct_id, EventKind.REMATCHED, detail, claim=True))
                elif link.relevance_tier != relevance["relevance_tier"]:
                    self.recount.add(claim_id)
                    was = counts_for_claim(link.relevance_tier, screening, self.plan.min_relevance)
                    if self.counted[nct_id] and not was:
                        promoted.add(nct_id)
        if new:
            self.db.execute(_table(ClaimStudy).insert(), new)
        if updates:
            self.session.execute(update(ClaimStudy), updates)
        self._insert_events(events)
        self.result.links_created += len(new)
        return {event["nct_id"] for event in events} | promoted

    def _claims_of_changed(self, nct_ids: set[str]) -> dict[tuple[str, str], date]:
        """The links of studies that changed: each claim they count for is recounted, and
        the other active claims' links are judged for flags with their own `as_of`."""
        if not nct_ids:
            return {}
        rows = self.db.execute(
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
        rows = self.db.execute(
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
            for row in self.db.execute(
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
        if new:
            self.db.execute(_table(Flag).insert(), new)
        self.result.flags_created += len(new)

    def _mark_unmatched(self) -> None:
        claim_id = self.plan.claim_id
        matching = self.db.scalars(
            select(ClaimStudy.nct_id).where(ClaimStudy.claim_id == claim_id, ClaimStudy.is_matching)
        ).all()
        gone = sorted(set(matching) - self.seen)
        if not gone:
            return
        self.recount.add(claim_id)
        self.session.execute(
            update(ClaimStudy),
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
        if events:
            self.db.execute(_table(StudyEvent).insert(), events)
            self.result.events_created += len(events)
