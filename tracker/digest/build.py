"""What changed in a week, claim by claim: the digest as one JSON-ready document.

A week's changes are the flags raised and the events observed in it. Each trial appears
once per claim, with every flag it raised (and the flag's reason) and every change seen
that week, each with its severity (`tracker.sync.severity`). A claim's trials come most
severe first (a trial is as severe as its most severe flag or change), then those with a
flag, then the most recent. Evidence status is
the claims' status when the digest is made. The Markdown and HTML renderings are made
from this document alone.

A claim lists at most `SHOWN_PER_CLAIM` trials and counts the flags and changes of the
rest by kind under `more`: the week of a claim's first sync, or a registry bulk edit,
links or changes thousands of trials, and one line per kind keeps the other claims in
sight (`tracker claims show CLAIM --history` has them all). `min_severity` leaves out
flags and changes below it, and the trials left with nothing.

Only the trials that count for a claim (direct, or as its `min_relevance` allows, or
included by a person) are listed; the changes of the others are folded into `folded`,
counts of their trials by tier (and `excluded`), for `tracker trials` to show.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from db.counting import counts_for_claim
from db.engine import CoreReader
from db.enums import SEVERITY_RANK, ClaimStatus, Decision, EventKind, FlagKind, Severity, Tier
from db.models import Article, Claim, ClaimStudy, Flag, Study, StudyEvent
from tracker.digest.week import IsoWeek
from tracker.status import nested, status_rows
from tracker.sync.severity import at_least, flag_severity, highest
from tracker.trials import events_for_claims

STUDY_URL = "https://clinicaltrials.gov/study/{nct_id}"
SEVERITIES = tuple(Severity)
"""Most severe first: the order of a claim's trials and of each trial's items."""

SHOWN_PER_CLAIM = 25
STUDY_BATCH = 5000
"""NCT ids per query when loading studies: PostgreSQL takes at most 65,535 parameters."""
EVENTS_PER_BATCH = 100_000
"""About how many events the digest reads at once: the claims are read and laid out in
batches that each hold about this many of the week's events. The import week links every
trial of every claim (1.2 million events at 5,000 claims): read whole, it took the digest
past 1 GB. A quiet week is read in one batch, as each batch costs a scan of the week's
changes (20 batches took 1.8 s where one takes 0.4 s at 5,000 claims)."""

_LINK_KINDS = (EventKind.LINKED, EventKind.UNMATCHED, EventKind.REMATCHED)
_DETAILED = tuple(kind for kind in EventKind if kind not in _LINK_KINDS)
"""The events whose `detail` a change shows (a link's detail is the claim's topic)."""
_FLAG_ORDER = {kind.value: index for index, kind in enumerate(FlagKind)}


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).date().isoformat()


class _Days:
    """Local days of moments, each worked out once: a sync stamps a claim's many events
    with few distinct moments, and the time-zone arithmetic was a fifth of laying out an
    import week."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._seen: dict[datetime, str] = {}

    def of(self, moment: datetime) -> str:
        day = self._seen.get(moment)
        if day is None:
            day = self._seen[moment] = _day(moment, self.zone)
        return day


def _trial(nct_id: str) -> dict[str, Any]:
    return {
        "nct_id": nct_id,
        "title": None,
        "status": None,
        "phase": None,
        "url": STUDY_URL.format(nct_id=nct_id),
        "severity": Severity.MINOR.value,
        "at": None,
        "flags": [],
        "changes": [],
    }


def _studies(session: Session, nct_ids: Iterable[str]) -> dict[str, Row[Any]]:
    """What the items show of each study, loaded in batches."""
    wanted = sorted(set(nct_ids))
    found: dict[str, Row[Any]] = {}
    for start in range(0, len(wanted), STUDY_BATCH):
        batch = wanted[start : start + STUDY_BATCH]
        rows = session.execute(
            select(Study.nct_id, Study.brief_title, Study.overall_status, Study.phases).where(
                Study.nct_id.in_(batch)
            )
        )
        found.update((row.nct_id, row) for row in rows)
    return found


def _standing(
    session: Session, claim_ids: list[str], nct_ids: Iterable[str]
) -> dict[tuple[str, str], str | None]:
    """For each (claim, study) of the week's changes: None when the trial counts for the
    claim, else its tier or `excluded`, under which its changes are folded.

    The links are found by claim or by study (`_links`), never by both, and the claims
    kept here: given both IN-lists, SQLite probes `claim_studies` once per (claim, study)
    pair, 5 million probes a batch at 1,000 claims (37 s of an import week's digest)."""
    pairs = list(nct_ids)
    wanted = sorted(set(pairs))
    claims = set(claim_ids)
    found: dict[tuple[str, str], str | None] = {}
    verdicts: dict[tuple[str | None, str | None, str], str | None] = {}
    for rows in _links(session, claim_ids, wanted, len(pairs)):
        for claim_id, nct_id, tier, screening, min_relevance in rows.all():
            if claim_id not in claims:
                continue
            seen = (tier, screening, min_relevance)
            if seen not in verdicts:
                verdicts[seen] = _verdict(tier, screening, min_relevance)
            found[(claim_id, nct_id)] = verdicts[seen]
    return found


def _verdict(tier: str | None, screening: str | None, min_relevance: str) -> str | None:
    """A link's standing (see `_standing`): the same for every link with these values."""
    if counts_for_claim(tier, screening, min_relevance):
        return None
    if screening == Decision.EXCLUDE:
        return "excluded"
    return tier


def _links(session: Session, claim_ids: list[str], wanted: list[str], pairs: int) -> Iterator[Any]:
    """Rows of the links of the claims to the studies `wanted`, and maybe some others;
    `pairs` is the number of the week's flags and events they are wanted for.

    When those are most of the claims' links (the import week), every link of the claims,
    found by claim; otherwise the links of the studies, found by study, a batch at a time.
    With more than two flags or events per study, reading by study reads about as many
    links as there are items, and the claims' links are not counted.
    """
    links = select(
        ClaimStudy.claim_id,
        ClaimStudy.nct_id,
        ClaimStudy.relevance_tier,
        ClaimStudy.screening,
        Claim.min_relevance,
    ).join(Claim, Claim.id == ClaimStudy.claim_id)
    connection = session.connection()
    of_claims = ClaimStudy.claim_id.in_(claim_ids)
    by_study = 2 * len(wanted) < pairs or (
        (connection.scalar(select(func.count()).select_from(ClaimStudy).where(of_claims)) or 0)
        > 2 * len(wanted)
    )
    if not by_study:
        yield connection.execute(links.where(of_claims))
        return
    for start in range(0, len(wanted), STUDY_BATCH):
        yield connection.execute(
            links.where(ClaimStudy.nct_id.in_(wanted[start : start + STUDY_BATCH]))
        )


def _folded(
    claim_id: str, nct_ids: Iterable[str], standing: dict[Any, str | None]
) -> dict[str, int]:
    counted = Counter(standing.get((claim_id, nct_id)) for nct_id in set(nct_ids))
    return {
        key: counted[key]
        for key in (Tier.INDIRECT.value, Tier.BACKGROUND.value, "excluded")
        if counted[key]
    }


def _rank(item: dict[str, Any]) -> int:
    return -SEVERITY_RANK[item["severity"]]


class _Listed:
    """One trial of a claim's week while its place is worked out: its flags (as shown),
    its changes as (kind, severity, at, detail), its highest severity's rank, its latest
    day. Only the trials shown become dicts; an import week has thousands per claim."""

    __slots__ = ("at", "changes", "flags", "nct_id", "rank")

    def __init__(self, nct_id: str) -> None:
        self.nct_id = nct_id
        self.flags: list[dict[str, Any]] = []
        self.changes: list[tuple[str, str, str, Any]] = []
        self.rank = -1
        self.at = ""

    def add(self, severity: str, at: str) -> None:
        self.rank = max(self.rank, SEVERITY_RANK[severity])
        self.at = max(self.at, at)

    def sorted_flags(self) -> list[dict[str, Any]]:
        flags = sorted(self.flags, key=lambda flag: _FLAG_ORDER[flag["kind"]])
        flags.sort(key=_rank)
        return flags

    def sorted_changes(self) -> list[tuple[str, str, str, Any]]:
        return sorted(self.changes, key=lambda change: -SEVERITY_RANK[change[1]])

    def kinds(self) -> list[str]:
        """The kinds of its flags and changes, in the order the digest lists them."""
        if not self.flags and len(self.changes) == 1:
            return [self.changes[0][0]]
        flags = [flag["kind"] for flag in self.sorted_flags()]
        return flags + [change[0] for change in self.sorted_changes()]

    def shown(self) -> dict[str, Any]:
        trial = _trial(self.nct_id)
        changes = []
        for kind, severity, at, detail in self.sorted_changes():
            change = {"kind": kind, "severity": severity, "at": at}
            if detail is not None:
                change["detail"] = detail
            changes.append(change)
        severities = [flag["severity"] for flag in self.flags] + [c[1] for c in self.changes]
        trial.update(
            severity=highest(severities).value,
            at=self.at,
            flags=self.sorted_flags(),
            changes=changes,
        )
        return trial


def _claim_trials(
    flags: list[Row[Any]], events: list[dict[str, Any]], zone: ZoneInfo, min_severity: str
) -> tuple[list[dict[str, Any]], dict[str, int], int]:
    """A claim's trials, most severe first, at most `SHOWN_PER_CLAIM`; the flags and
    changes of the trials left out, counted by kind; how many trials were left out."""
    trials: dict[str, _Listed] = {}
    days = _Days(zone)

    def trial_of(nct_id: str) -> _Listed:
        found = trials.get(nct_id)
        if found is None:
            found = trials[nct_id] = _Listed(nct_id)
        return found

    for flag in flags:
        severity = flag_severity(flag.kind)
        if at_least(severity, min_severity):
            at = flag.effective_on or days.of(flag.raised_at)
            listed = trial_of(flag.nct_id)
            listed.flags.append(
                {"kind": flag.kind, "severity": severity.value, "reason": flag.reason, "at": at}
            )
            listed.add(severity, at)
    floor = SEVERITY_RANK[min_severity]
    for event in sorted(events, key=itemgetter("observed_at", "id")):
        severity = event["severity"]
        rank = SEVERITY_RANK[severity]
        if rank >= floor:  # `at_least`, inlined with `_Listed.add`: an import week has millions
            at = event["effective_on"] or days.of(event["observed_at"])
            listed = trials.get(event["nct_id"]) or trial_of(event["nct_id"])
            listed.changes.append((event["kind"], severity, at, event["detail"]))
            if rank > listed.rank:
                listed.rank = rank
            if at > listed.at:
                listed.at = at
    found = sorted(trials.values(), key=lambda trial: trial.nct_id)
    found.sort(key=lambda trial: trial.at, reverse=True)
    found.sort(key=lambda trial: not trial.flags)
    found.sort(key=lambda trial: -trial.rank)
    more: dict[str, int] = {}
    for trial in found[SHOWN_PER_CLAIM:]:
        for kind in trial.kinds():
            more[kind] = more.get(kind, 0) + 1
    shown = [trial.shown() for trial in found[:SHOWN_PER_CLAIM]]
    return shown, more, max(len(found) - SHOWN_PER_CLAIM, 0)


def _describe_studies(session: Session, claims: list[dict[str, Any]]) -> None:
    """Fill in the study of each listed trial: only those listed are loaded, however many
    the week changed."""
    trials = [trial for claim in claims for trial in claim["trials"]]
    studies = _studies(session, (trial["nct_id"] for trial in trials))
    for trial in trials:
        if (study := studies.get(trial["nct_id"])) is not None:
            trial.update(
                title=study.brief_title,
                status=study.overall_status,
                phase="/".join(study.phases) if study.phases else None,
            )


def _summary(
    session: Session,
    claims: list[dict[str, Any]],
    flag_counts: Counter[str],
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    event_counts = session.execute(
        select(StudyEvent.kind, func.count())
        .where(StudyEvent.observed_at >= start, StudyEvent.observed_at < end)
        .group_by(StudyEvent.kind)
    )
    events = {kind.value: 0 for kind in EventKind} | dict(event_counts.all())
    events[EventKind.LINKED.value] = _links_made(session, start, end)
    return {
        "claims_total": len(claims),
        "claims_changed": sum(1 for claim in claims if claim["trials"]),
        "flags": {kind.value: flag_counts[kind.value] for kind in FlagKind},
        "events": events,
    }


def _links_made(session: Session, start: datetime, end: datetime) -> int:
    """The `linked` events of [start, end): the links first made then."""
    made = ClaimStudy.first_linked_at
    links = select(func.count()).select_from(ClaimStudy).where(made >= start, made < end)
    return session.scalar(links) or 0


def _events_in(session: Session, start: datetime, end: datetime) -> int:
    """How many events the syncs recorded in [start, end), `linked` ones included."""
    events = session.scalar(
        select(func.count())
        .select_from(StudyEvent)
        .where(StudyEvent.observed_at >= start, StudyEvent.observed_at < end)
    )
    return (events or 0) + _links_made(session, start, end)


def changes_in(session: Session, week: IsoWeek, zone: ZoneInfo) -> int:
    """How many events and flags the syncs recorded in `week` so far."""
    start, end = week.bounds(zone)
    flags = session.scalar(
        select(func.count()).select_from(Flag).where(Flag.raised_at >= start, Flag.raised_at < end)
    )
    return _events_in(session, start, end) + (flags or 0)


def build_digest(
    session: Session, week: IsoWeek, zone: ZoneInfo, min_severity: str = Severity.MINOR
) -> dict[str, Any]:
    """The digest of `week`: a summary, then every active claim with its changes of
    `min_severity` or more."""
    start, end = week.bounds(zone)
    active = _active_claims(session)
    statuses = {
        row["claim_id"]: nested(row) for row in status_rows(CoreReader(session.connection()))
    }
    week_of = _Week(session, start, end, zone, min_severity)
    batch = _claims_per_batch(session, len(active), start, end)
    claims = []
    for first in range(0, len(active), batch):
        claims += week_of.claims(active[first : first + batch], statuses)
    _describe_studies(session, claims)
    claims.sort(key=lambda claim: not claim["trials"])
    return {
        "week": str(week),
        "start": week.start.isoformat(),
        "end": week.end.isoformat(),
        "timezone": zone.key,
        "min_severity": str(min_severity),
        "summary": _summary(session, claims, week_of.flag_counts, start, end),
        "claims": claims,
    }


def _active_claims(session: Session) -> list[Row[Any]]:
    """The active claims, in article then file order (as `tracker claims list`), with
    only what the digest shows of them: whole claims with their topics took 0.5 s of a
    digest at 5,000 claims."""
    return list(
        session.execute(
            select(
                Claim.id,
                Claim.article_id,
                Claim.text,
                Article.title.label("article_title"),
                Article.url.label("article_url"),
            )
            .join(Article, Article.id == Claim.article_id)
            .where(Claim.status == ClaimStatus.ACTIVE)
            .order_by(Article.id, Claim.position, Claim.id)
        )
    )


def _claims_per_batch(session: Session, claims: int, start: datetime, end: datetime) -> int:
    """How many claims to read at once for about `EVENTS_PER_BATCH` of the week's events."""
    events = _events_in(session, start, end)
    if not events or events <= EVENTS_PER_BATCH:
        return max(claims, 1)
    return max(claims * EVENTS_PER_BATCH // events, 1)


class _Week:
    """The flags and events of one week, read and laid out for a batch of claims at a time;
    `flag_counts` adds up the flags of every batch read so far, for the summary."""

    def __init__(
        self, session: Session, start: datetime, end: datetime, zone: ZoneInfo, min_severity: str
    ) -> None:
        self.session, self.start, self.end = session, start, end
        self.zone, self.min_severity = zone, min_severity
        self.flag_counts: Counter[str] = Counter()

    def claims(self, active: list[Row[Any]], statuses: dict[str, Any]) -> list[dict[str, Any]]:
        """The digest's entry of each claim of `active`, in that order."""
        session, start, end = self.session, self.start, self.end
        claim_ids = [claim.id for claim in active]
        flags = session.execute(
            select(
                Flag.claim_id,
                Flag.nct_id,
                Flag.kind,
                Flag.reason,
                Flag.effective_on,
                Flag.raised_at,
            )
            .where(Flag.raised_at >= start, Flag.raised_at < end, Flag.claim_id.in_(claim_ids))
            .order_by(Flag.id)
        ).all()
        self.flag_counts.update(flag.kind for flag in flags)
        events = events_for_claims(session, claim_ids, start, end, detail_of=_DETAILED)
        standing = _standing(
            session, claim_ids, [*(f.nct_id for f in flags), *(e["nct_id"] for e in events)]
        )
        flags_by_claim: dict[str, list[Row[Any]]] = defaultdict(list)
        hidden: dict[str, list[str]] = defaultdict(list)
        for flag in flags:
            if standing.get((flag.claim_id, flag.nct_id)) is None:
                flags_by_claim[flag.claim_id].append(flag)
            else:
                hidden[flag.claim_id].append(flag.nct_id)
        events_by_claim: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for event in events:
            if standing.get((event["claim_id"], event["nct_id"])) is None:
                events_by_claim[event["claim_id"]].append(event)
            else:
                hidden[event["claim_id"]].append(event["nct_id"])
        claims = []
        for claim in active:
            trials, more, more_trials = _claim_trials(
                flags_by_claim[claim.id], events_by_claim[claim.id], self.zone, self.min_severity
            )
            claims.append(
                {
                    "claim_id": claim.id,
                    "article_id": claim.article_id,
                    "article": {"title": claim.article_title, "url": claim.article_url},
                    "text": claim.text,
                    "evidence_level": statuses[claim.id]["evidence_level"],
                    "status": statuses[claim.id],
                    "trials": trials,
                    "more": more,
                    "more_trials": more_trials,
                    "folded": _folded(claim.id, hidden[claim.id], standing),
                }
            )
        return claims
