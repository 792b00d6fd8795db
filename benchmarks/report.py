"""The numbers of one scale on one database, and the Markdown table they make."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

MEMORY_GROWTH_LIMIT_MB = 50.0
STATUS_LIMIT_S = 0.5
DIGEST_LIMIT_S = 2.0
REGISTRY_DIGEST_LIMIT_S = 3.0
"""The digest's target at the whole registry's size (5,000 claims and more)."""


def digest_limit(claims: int) -> float:
    """The weekly digest's target at this many claims."""
    return REGISTRY_DIGEST_LIMIT_S if claims >= 5000 else DIGEST_LIMIT_S


INGEST_RATIO_TARGET = 0.5
BARE_RATIO_LIMIT = 2.0
"""A read command's wall time at most this many times a bare interpreter's with the query."""


@dataclass(frozen=True)
class Measurement:
    """Every number of one scale on one database."""

    scale: str
    database: str
    claims: int
    studies: int
    matches: int
    fewest_pages: int
    full_requests: int
    full_expected: int
    full_sync_seconds: float
    unchanged_requests: int
    changed_studies: int
    changed_requests: int
    changed_expected: int
    ingest_studies: int
    ingest_per_second: float
    baseline_per_second: float
    peak_rss_mb: float
    startup_seconds: float
    status_seconds: float
    digest_seconds: float
    digest_import_seconds: float
    flags_seconds: float = math.nan
    trials_seconds: float = math.nan
    bare_query_seconds: float = math.nan
    bare_flags_seconds: float = math.nan
    bare_trials_seconds: float = math.nan
    corpus: str = "synthetic"
    unchanged_seconds: float = math.nan
    changed_seconds: float = math.nan
    naive_first_requests: float = math.nan
    naive_first_seconds: float = math.nan
    naive_unchanged_requests: float = math.nan
    naive_unchanged_seconds: float = math.nan
    naive_changed_requests: float = math.nan
    naive_changed_seconds: float = math.nan
    """The naive peer (`benchmarks.naive`) on the same fake and topics, night by night."""
    """`synthetic`, or `real`: that registry in real records' clothes (`benchmarks.real_corpus`)."""
    """`python -c "import sqlite3"` (or `psycopg`) and the status query: `benchmarks.bare`."""

    @property
    def bare_ratios(self) -> list[float]:
        """`tracker status`, `flags`, `trials` each over the bare run of its own query (runs
        from before each command had its own took the status query for all three)."""
        bare = [self.bare_query_seconds, self.bare_flags_seconds, self.bare_trials_seconds]
        bare = [self.bare_query_seconds if math.isnan(b) else b for b in bare]
        commands = (self.status_seconds, self.flags_seconds, self.trials_seconds)
        return [seconds / b for seconds, b in zip(commands, bare, strict=True)]

    @property
    def unmatched_claims(self) -> int:
        return self.full_expected - 1 - self.fewest_pages

    @property
    def ingest_ratio(self) -> float:
        return self.ingest_per_second / self.baseline_per_second

    @property
    def column(self) -> str:
        kind = "PostgreSQL" if self.database == "postgres" else "SQLite"
        real = ", real records" if self.corpus == "real" else ""
        return f"{kind}{real}, {self.claims:,} claims / {self.studies:,} studies"


Row = tuple[str, str, Callable[[Measurement], str]]

ROWS: tuple[Row, ...] = (
    ("Studies matched, summed over claims", "", lambda m: f"{m.matches:,}"),
    ("First full sync: minimum requests, Σ ⌈matches / 1000⌉", "", lambda m: f"{m.fewest_pages:,}"),
    (
        "Claims matching no study (each still costs its one request)",
        "",
        lambda m: f"{m.unmatched_claims:,}",
    ),
    (
        "First full sync: requests made",
        "minimum + claims matching nothing + 1 (`/version`)",
        lambda m: f"{m.full_requests:,}",
    ),
    ("Nightly sync, nothing changed: requests", "1", lambda m: f"{m.unchanged_requests}"),
    (
        "Nightly sync, 1 % of studies changed: requests (target)",
        "≤ 1 per claim + pages + 1 (all pages for a claim due its full walk)",
        lambda m: f"{m.changed_requests:,} ({m.changed_expected:,})",
    ),
    ("Ingest: studies through the sync", "", lambda m: f"{m.ingest_studies:,}"),
    (
        "Ingest throughput: sync / raw baseline, studies/s",
        "",
        lambda m: f"{m.ingest_per_second:,.0f} / {m.baseline_per_second:,.0f}",
    ),
    (
        "Ingest ratio (sync ÷ baseline)",
        f"≥ {INGEST_RATIO_TARGET} on SQLite",
        lambda m: f"**{m.ingest_ratio:.2f}**",
    ),
    ("Peak resident memory of the full sync, MB", "flat", lambda m: f"{m.peak_rss_mb:.0f}"),
    (
        "Start-up: `tracker --version`, s (part of each command below)",
        "",
        lambda m: f"{m.startup_seconds:.2f}",
    ),
    (
        "`tracker status`, all claims, s",
        f"< {STATUS_LIMIT_S} at 1,000 claims",
        lambda m: f"{m.status_seconds:.2f}",
    ),
    (
        "`tracker flags`, s",
        "",
        lambda m: f"{m.flags_seconds:.2f}",
    ),
    (
        "`tracker trials CLAIM`, s",
        "",
        lambda m: f"{m.trials_seconds:.2f}",
    ),
    (
        'Bare: `python -c "import sqlite3"` (`psycopg` on PostgreSQL) + the command\'s own'
        " query, status / flags / trials, s",
        "",
        lambda m: " / ".join(
            f"{s:.2f}"
            for s in (m.bare_query_seconds, m.bare_flags_seconds, m.bare_trials_seconds)
            if not math.isnan(s)
        ),
    ),
    (
        "`tracker status` / `flags` / `trials` ÷ bare",
        f"≤ {BARE_RATIO_LIMIT:.0f} each",
        lambda m: " / ".join(f"{ratio:.1f}" for ratio in m.bare_ratios),
    ),
    (
        "`tracker digest`, a week after the import (1 % changed), s",
        f"< {DIGEST_LIMIT_S:.0f} at 1,000 claims, < {REGISTRY_DIGEST_LIMIT_S:.0f} at 5,000",
        lambda m: f"{m.digest_seconds:.2f}",
    ),
    (
        "`tracker digest`, the import week (every link new), s",
        "",
        lambda m: f"{m.digest_import_seconds:.2f}",
    ),
    (
        "First full sync through the fake registry, wall s",
        "",
        lambda m: f"{m.full_sync_seconds:.1f}",
    ),
    (
        "Side by side, first sync: requests, tracker / naive peer",
        "the same pages (+ `/version`)",
        lambda m: f"{m.full_requests:,} / {m.naive_first_requests:,.0f}",
    ),
    (
        "Side by side, first sync: wall s, tracker / naive peer",
        "",
        lambda m: f"{m.full_sync_seconds:.1f} / {m.naive_first_seconds:.1f}",
    ),
    (
        "Side by side, nothing changed: requests, tracker / naive peer",
        "fewer",
        lambda m: f"{m.unchanged_requests:,} / {m.naive_unchanged_requests:,.0f}",
    ),
    (
        "Side by side, nothing changed: wall s, tracker / naive peer",
        "less",
        lambda m: f"{m.unchanged_seconds:.1f} / {m.naive_unchanged_seconds:.1f}",
    ),
    (
        "Side by side, 1 % changed: requests, tracker / naive peer",
        "fewer",
        lambda m: f"{m.changed_requests:,} / {m.naive_changed_requests:,.0f}",
    ),
    (
        "Side by side, 1 % changed: wall s, tracker / naive peer",
        "less",
        lambda m: f"{m.changed_seconds:.1f} / {m.naive_changed_seconds:.1f}",
    ),
)


def memory_growth(results: Sequence[Measurement]) -> dict[str, float]:
    """Per database, the peak memory of the largest scale less that of the smallest."""
    growth: dict[str, float] = {}
    for database in dict.fromkeys(m.database for m in results):
        runs = sorted(
            (m for m in results if m.database == database and m.corpus == "synthetic"),
            key=lambda m: m.studies,
        )
        if len(runs) > 1:
            growth[database] = runs[-1].peak_rss_mb - runs[0].peak_rss_mb
    return growth


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def verdicts(results: Sequence[Measurement]) -> list[str]:
    """One line per target, judged on every run (timings on the 1,000-claim runs only)."""
    exact = all(m.full_requests == m.full_expected for m in results)
    quiet = all(m.unchanged_requests == 1 for m in results)
    changed = all(m.changed_requests <= m.changed_expected for m in results)
    lines = [
        "- First full sync at the minimum number of pages (plus one request for each claim "
        f"that matches nothing, and `/version`): {_verdict(exact)}.",
        f"- Nightly sync with nothing changed, one request: {_verdict(quiet)}.",
        f"- Nightly sync after 1 % changed, one request per claim plus pages: {_verdict(changed)}.",
    ]
    for m in results:
        if m.database == "sqlite":
            lines.append(
                f"- Ingest ratio ≥ {INGEST_RATIO_TARGET} on SQLite ({m.claims:,} claims): "
                f"{m.ingest_ratio:.2f}, {_verdict(m.ingest_ratio >= INGEST_RATIO_TARGET)}."
            )
    for m in results:
        ratios = m.bare_ratios
        lines.append(
            f"- {m.column}: `tracker status`, `flags`, `trials` at most "
            f"{BARE_RATIO_LIMIT:.0f} times a bare interpreter with the command's own query: "
            + ", ".join(f"{ratio:.1f} times" for ratio in ratios)
            + f", {_verdict(max(ratios) <= BARE_RATIO_LIMIT)}."
        )
    for m in results:
        fewer = (
            m.unchanged_requests < m.naive_unchanged_requests
            and m.changed_requests < m.naive_changed_requests
        )
        faster = (
            m.unchanged_seconds < m.naive_unchanged_seconds
            and m.changed_seconds < m.naive_changed_seconds
        )
        lines.append(
            f"- {m.column}: beside the naive peer, fewer requests every night after the "
            f"first sync (which fetches the same pages, plus `/version`): {_verdict(fewer)}; "
            f"less wall time on the quiet and the 1 % nights: {_verdict(faster)}."
        )
    for m in results:
        if m.claims >= 1000:
            query = m.status_seconds - m.startup_seconds
            lines.append(
                f"- {m.column}: `tracker status` {m.status_seconds:.2f} s (start-up "
                f"{m.startup_seconds:.2f} s, the rest {query:.2f} s), "
                f"{_verdict(m.status_seconds < STATUS_LIMIT_S)}; `tracker digest` "
                f"{m.digest_seconds:.2f} s (target < {digest_limit(m.claims):.0f} s), "
                f"{_verdict(m.digest_seconds < digest_limit(m.claims))}."
            )
    return lines


def table(results: Sequence[Measurement]) -> str:
    header = ["", "target", *(m.column for m in results)]
    lines = [_line(header), _line(["---"] * len(header))]
    lines += [_line([name, target, *(cell(m) for m in results)]) for name, target, cell in ROWS]
    return "\n".join(lines)


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown(
    results: Sequence[Measurement],
    machine: dict[str, Any],
    before: Sequence[Measurement] = (),
    before_source: str = "",
) -> str:
    """RESULTS.md: how the numbers were taken, the table, memory growth, before/after."""
    parts = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks.run` (see `benchmarks/__init__.py` and README).",
        f"Measured on {machine['date']}: Python {machine['python']}, SQLite "
        f"{machine['sqlite']}, {machine['cpus']} CPUs. Seconds are of this one run on a "
        "shared machine; compare ratios and counts, not absolute times.",
        "",
        table(results),
        "",
    ]
    parts += ["## Targets", "", *verdicts(results)]
    growth = memory_growth(results)
    for database, grown in growth.items():
        verdict = "within" if grown <= MEMORY_GROWTH_LIMIT_MB else "OVER"
        parts.append(
            f"- Peak memory growth from the smallest to the largest scale on {database}: "
            f"{grown:+.0f} MB ({verdict} the {MEMORY_GROWTH_LIMIT_MB:.0f} MB target)."
        )
    earlier = {(m.scale, m.database, m.corpus) for m in before}
    if any((m.scale, m.database, m.corpus) in earlier for m in results):
        parts += [
            "",
            "## Before and after",
            "",
            f"Before: {before_source}, measured by this benchmark. A timing in the two columns"
            " comes from two runs, so compare it loosely; ratios and counts compare directly.",
            "",
            _before_after(before, results),
        ]
    return "\n".join(parts) + "\n"


def _seconds(value: float) -> str:
    return "failed" if math.isnan(value) else f"{value:.2f}"


def _before_after(before: Sequence[Measurement], after: Sequence[Measurement]) -> str:
    earlier = {(m.scale, m.database, m.corpus): m for m in before}
    header = ["", "before", "after"]
    lines = [_line(["scale / database", "measure", *header[1:]]), _line(["---"] * 4)]
    for now in after:
        then = earlier.get((now.scale, now.database, now.corpus))
        if then is None:
            continue
        for name, value in (
            ("ingest ratio", lambda m: f"{m.ingest_ratio:.2f}"),
            ("ingest, studies/s", lambda m: f"{m.ingest_per_second:,.0f}"),
            ("full sync requests", lambda m: f"{m.full_requests:,}"),
            ("peak memory, MB", lambda m: f"{m.peak_rss_mb:.0f}"),
            ("`tracker status`, s", lambda m: f"{m.status_seconds:.2f}"),
            ("start-up (`tracker --version`), s", lambda m: f"{m.startup_seconds:.2f}"),
            ("`tracker digest`, s", lambda m: f"{m.digest_seconds:.2f}"),
            ("`tracker digest`, import week, s", lambda m: _seconds(m.digest_import_seconds)),
        ):
            lines.append(_line([now.column, name, value(then), value(now)]))
    return "\n".join(lines)
