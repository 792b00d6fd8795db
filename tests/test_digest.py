"""`tracker digest`: a week's changes claim by claim, in JSON, Markdown and HTML."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import Tracker
from ctgov_builders import make_study, nct
from digest_fixtures import MARKUP_TITLE, sync_at
from evidence_fixtures import status_record
from scenarios import CLAIMS, LIVER, write_claims
from sync_helpers import state

from tracker.digest.build import SHOWN_PER_SECTION
from tracker.digest.render import CHART_LABEL
from tracker.digest.week import IsoWeek
from tracker.errors import UsageError
from tracker.fake_registry import FakeCtgov

WEEK = ("digest", "--week", "2026-W48", "--out", "-")
URL = "https://clinicaltrials.gov/study/{}"


def item(
    kind: str, n: int, status: str, at: str, title: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "nct_id": nct(n),
        "title": title or f"Study {nct(n)}",
        "status": status,
        "phase": None,
        "at": at,
        "url": URL.format(nct(n)),
        **extra,
    }


def completion(old: tuple[str, str], new: tuple[str, str]) -> dict[str, Any]:
    return {
        "old": {"completion_date": {"date": old[0], "type": old[1]}},
        "new": {"completion_date": {"date": new[0], "type": new[1]}},
    }


def status(
    claim: str,
    total: int,
    groups: tuple[int, ...],
    results: int,
    level: str,
    last: str | None,
    **flags: int,
) -> dict[str, Any]:
    return status_record(claim, "stem-cells", total, groups, results, None, level, last, **flags)


SUSPENDED_4 = item("trial_stopped", 4, "SUSPENDED", "2026-11-26", old="RECRUITING", new="SUSPENDED")
EXPECTED = {
    "week": "2026-W48",
    "start": "2026-11-23",
    "end": "2026-11-29",
    "timezone": "UTC",
    "summary": {
        "claims_total": 4,
        "claims_changed": 3,
        "flags": {"NEW_TRIAL": 1, "TRIAL_COMPLETED": 1, "RESULTS_POSTED": 1, "TRIAL_STOPPED": 3},
        "events": {
            "linked": 1,
            "unmatched": 0,
            "rematched": 0,
            "status_changed": 3,
            "results_posted": 1,
            "dates_changed": 2,
        },
    },
    "claims": [
        {
            "claim_id": "liver-msc",
            "article_id": "stem-cells",
            "article": {"title": "Stem cells against cancer", "url": None},
            "text": "MSCs regenerate liver tissue in liver cancer.",
            "evidence_level": "completed-no-results",
            "status": status(
                "liver-msc",
                3,
                (1, 1, 1, 0, 0),
                0,
                "completed-no-results",
                "2026-11-25",
                NEW_TRIAL=2,
                TRIAL_COMPLETED=1,
            ),
            "events": [
                item("new_trial", 6, "RECRUITING", "2026-11-25", title=MARKUP_TITLE),
                item(
                    "trial_completed",
                    1,
                    "COMPLETED",
                    "2026-11-25",
                    old="RECRUITING",
                    new="COMPLETED",
                ),
                item(
                    "dates_changed",
                    1,
                    "COMPLETED",
                    "2026-11-25",
                    **completion(("2027-06", "ESTIMATED"), ("2026-11-20", "ACTUAL")),
                ),
            ],
            "more": {},
            "folded": {},
        },
        {
            "claim_id": "myeloma-asct",
            "article_id": "stem-cells",
            "article": {"title": "Stem cells against cancer", "url": None},
            "text": "Autologous transplant works in multiple myeloma.",
            "evidence_level": "results-available",
            "status": status(
                "myeloma-asct",
                2,
                (0, 0, 1, 1, 0),
                1,
                "results-available",
                "2026-11-26",
                RESULTS_POSTED=1,
                TRIAL_STOPPED=1,
            ),
            "events": [
                item("results_posted", 3, "COMPLETED", "2026-11-26"),
                SUSPENDED_4,
            ],
            "more": {},
            "folded": {},
        },
        {
            "claim_id": "aml-allo",
            "article_id": "stem-cells",
            "article": {"title": "Stem cells against cancer", "url": None},
            "text": "Allogeneic transplant works in acute myeloid leukemia.",
            "evidence_level": "no-trials",
            "status": status(
                "aml-allo", 2, (0, 0, 0, 2, 0), 0, "no-trials", "2026-11-26", TRIAL_STOPPED=2
            ),
            "events": [
                SUSPENDED_4,
                item(
                    "trial_stopped",
                    5,
                    "TERMINATED",
                    "2026-11-25",
                    old="ACTIVE_NOT_RECRUITING",
                    new="TERMINATED",
                ),
                item(
                    "dates_changed",
                    5,
                    "TERMINATED",
                    "2026-11-25",
                    **completion(("2027-01", "ESTIMATED"), ("2026-11-24", "ACTUAL")),
                ),
            ],
            "more": {},
            "folded": {},
        },
        {
            "claim_id": "quiet-claim",
            "article_id": "stem-cells",
            "article": {"title": "Stem cells against cancer", "url": None},
            "text": "Nothing ever happens to this claim.",
            "evidence_level": "no-trials",
            "status": status("quiet-claim", 0, (0, 0, 0, 0, 0), 0, "no-trials", None),
            "events": [],
            "more": {},
            "folded": {},
        },
    ],
}


def test_json_is_exactly_the_weeks_changes_claim_by_claim(digest_week: Tracker) -> None:
    result = digest_week(*WEEK, "--format", "json")
    assert result.status == 0, result.err
    assert json.loads(result.out) == EXPECTED


def test_markdown_has_a_summary_then_each_changed_claim_by_section(digest_week: Tracker) -> None:
    text = digest_week(*WEEK).out
    assert text.startswith("# Claim–trial digest 2026-W48 (23–29 November 2026)\n")
    assert "**3 of 4 claims changed.**" in text
    assert (
        "Flags raised: NEW_TRIAL 1, TRIAL_COMPLETED 1, RESULTS_POSTED 1, TRIAL_STOPPED 3." in text
    )
    headings = re.findall(r"^#+ .*$", text, flags=re.MULTILINE)
    assert headings[1:] == [
        "## liver-msc",
        "### New trials",
        "### Trials completed",
        "### Key dates changed",
        "## myeloma-asct",
        "### Results posted",
        "### Trials stopped",
        "## aml-allo",
        "### Trials stopped",
        "### Key dates changed",
        "## Claims without changes",
    ]
    assert (
        "- [NCT00000001](https://clinicaltrials.gov/study/NCT00000001) Study NCT00000001:"
        " COMPLETED; RECRUITING → COMPLETED on 2026-11-25" in text
    )
    assert "ACTIVE_NOT_RECRUITING → TERMINATED on 2026-11-25" in text
    assert (
        "Evidence: **no-trials**, 2 trials"
        " (0 planned, 0 ongoing, 0 completed, 2 stopped, 0 unknown)" in text
    )
    assert text.rstrip().endswith("- quiet-claim: no-trials, 0 trials")


def test_markdown_escapes_markup_from_the_registry(digest_week: Tracker) -> None:
    text = digest_week(*WEEK).out
    assert (
        r"\<script\>alert('x')\</script\> \& MSC \*for\* \[HCC\]:"
        " RECRUITING; first posted 2026-11-25" in text
    )
    assert "<script>" not in text


def test_html_escapes_text_and_needs_nothing_from_outside(digest_week: Tracker) -> None:
    html = digest_week(*WEEK, "--format", "html").out
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; MSC *for* [HCC]" in html
    assert "<script" not in html
    assert CHART_LABEL in html
    assert "<style" not in html
    assert "<link" not in html
    assert "src=" not in html
    assert set(re.findall(r'href="([^"]+)"', html)) == {URL.format(nct(n)) for n in (1, 3, 4, 5, 6)}
    assert (
        '<a href="https://clinicaltrials.gov/study/NCT00000005" style="color:#0969da;">'
        "NCT00000005</a>" in html
    )
    for claim in ("liver-msc", "myeloma-asct", "aml-allo", "quiet-claim"):
        assert f'overflow-wrap:anywhere;">{claim} <span' in html


def test_week_without_changes_gives_a_short_digest(digest_week: Tracker) -> None:
    text = digest_week("digest", "--week", "2026-W40", "--out", "-").out
    assert text.splitlines()[:3] == [
        "# Claim–trial digest 2026-W40 (28 September – 4 October 2026)",
        "",
        "No changes this week across 4 claims.",
    ]
    assert len(text.splitlines()) < 12
    document = json.loads(
        digest_week("digest", "--week", "2026-W40", "--format", "json", "--out", "-").out
    )
    assert document["summary"]["claims_changed"] == 0
    assert all(claim["events"] == [] for claim in document["claims"])


def test_the_week_before_holds_the_first_sync(digest_week: Tracker) -> None:
    document = json.loads(
        digest_week("digest", "--week", "2026-W47", "--format", "json", "--out", "-").out
    )
    assert document["summary"]["flags"]["NEW_TRIAL"] == 1
    assert document["summary"]["events"]["linked"] == 6
    liver = document["claims"][0]
    assert [(i["kind"], i["nct_id"]) for i in liver["events"]] == [
        ("new_trial", nct(2)),
        ("linked", nct(1)),
    ]


def test_digest_is_written_to_digests_week_by_default(digest_week: Tracker, tmp_path: Path) -> None:
    result = digest_week("digest", "--week", "2026-W48", "--format", "html")
    assert result.err == "wrote digests/2026-W48.html\n"
    assert (tmp_path / "digests" / "2026-W48.html").read_text().startswith("<!DOCTYPE html>")
    other = digest_week("digest", "--week", "2026-W48", "--out", str(tmp_path / "x" / "d.md"))
    assert other.err == f"wrote {tmp_path / 'x' / 'd.md'}\n"


def test_default_week_is_the_last_complete_one(
    digest_week: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TIMEZONE", "UTC")
    before = IsoWeek.last_complete(datetime.now(UTC).date())
    assert digest_week("digest").status == 0
    after = IsoWeek.last_complete(datetime.now(UTC).date())
    written = sorted(path.name for path in (tmp_path / "digests").iterdir())
    assert written in ([f"{before}.md"], [f"{after}.md"])


def test_generating_a_digest_changes_nothing(digest_week: Tracker, database_url: str) -> None:
    before = state(database_url)
    for fmt in ("md", "html", "json"):
        assert digest_week(*WEEK, "--format", fmt).status == 0
    assert state(database_url) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--week", "2026-48"), "--week '2026-48': expected an ISO week such as 2026-W48"),
        (("--week", "2026-W54"), "--week '2026-W54': 2026 has no week 54"),
        (("--force",), "--force only makes sense with --send"),
        (("--send",), "--send needs TRACKER_SMTP_HOST, TRACKER_SMTP_FROM, TRACKER_DIGEST_TO"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    digest_week: Tracker, args: tuple[str, ...], message: str
) -> None:
    result = digest_week("digest", *args)
    assert (result.status, result.err) == (2, f"tracker: error: {message}\n")


@pytest.mark.parametrize(
    ("today", "week"),
    [
        (date(2026, 11, 23), "2026-W47"),
        (date(2026, 11, 29), "2026-W47"),
        (date(2026, 11, 30), "2026-W48"),
        (date(2027, 1, 3), "2026-W52"),
        (date(2021, 1, 4), "2020-W53"),
    ],
)
def test_last_complete_week_is_the_iso_week_before_this_one(today: date, week: str) -> None:
    assert str(IsoWeek.last_complete(today)) == week


def test_iso_week_parsing_refuses_non_weeks() -> None:
    assert IsoWeek.parse("2020-W53").start == date(2020, 12, 28)
    with pytest.raises(UsageError):
        IsoWeek.parse("2026-W00")


def test_a_section_lists_its_first_items_and_counts_the_rest(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path, CLAIMS)))
    for number in range(1, SHOWN_PER_SECTION + 4):
        registry.put_study(make_study(nct(number), **LIVER))
    sync_at(database_url, registry, datetime(2026, 11, 20, 3, 0, tzinfo=UTC))

    document = json.loads(
        tracker("digest", "--week", "2026-W47", "--format", "json", "--out", "-").out
    )
    markdown = tracker("digest", "--week", "2026-W47", "--out", "-").out

    liver = next(claim for claim in document["claims"] if claim["claim_id"] == "liver-msc")
    assert [item["kind"] for item in liver["events"]] == ["linked"] * SHOWN_PER_SECTION
    assert liver["more"] == {"linked": 3}
    assert document["summary"]["events"]["linked"] >= SHOWN_PER_SECTION + 3
    assert "- … and 3 more (`tracker claims show liver-msc --history`)" in markdown
