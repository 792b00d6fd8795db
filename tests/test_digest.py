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
from scenarios import CLAIMS, LIVER, MYELOMA, write_claims
from sync_helpers import state

from db.enums import EventKind, FlagKind
from tracker.digest.build import SHOWN_PER_CLAIM
from tracker.digest.render import CHART_LABEL, render
from tracker.digest.week import IsoWeek
from tracker.errors import UsageError
from tracker.fake_registry import FakeCtgov

WEEK = ("digest", "--week", "2026-W48", "--out", "-")
URL = "https://clinicaltrials.gov/study/{}"


def trial(
    n: int,
    status: str,
    severity: str,
    at: str,
    flags: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    title: str | None = None,
) -> dict[str, Any]:
    return {
        "nct_id": nct(n),
        "title": title or f"Study {nct(n)}",
        "status": status,
        "phase": None,
        "url": URL.format(nct(n)),
        "severity": severity,
        "at": at,
        "flags": flags,
        "changes": changes,
    }


def flag(kind: str, severity: str, reason: str, at: str) -> dict[str, Any]:
    return {"kind": kind, "severity": severity, "reason": reason, "at": at}


def change(kind: str, severity: str, at: str, **detail: Any) -> dict[str, Any]:
    return {"kind": kind, "severity": severity, "at": at, **({"detail": detail} if detail else {})}


def moved(old: tuple[str, str], new: tuple[str, str], shift: int) -> dict[str, Any]:
    return {
        "completion_date": {
            "old": {"date": old[0], "type": old[1]},
            "new": {"date": new[0], "type": new[1]},
            "shift_days": shift,
        }
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


def stopped(n: int, old: str, new: str, on: str) -> list[Any]:
    return [
        flag("TRIAL_STOPPED", "critical", f"status {old} → {new} on {on}", on),
        change("status_changed", "critical", on, old=old, new=new),
    ]


SUSPENDED_4 = trial(
    4,
    "SUSPENDED",
    "critical",
    "2026-11-26",
    *[[item] for item in stopped(4, "RECRUITING", "SUSPENDED", "2026-11-26")],
)
NO_EVENTS = {kind.value: 0 for kind in EventKind}
EXPECTED = {
    "week": "2026-W48",
    "start": "2026-11-23",
    "end": "2026-11-29",
    "timezone": "UTC",
    "min_severity": "minor",
    "summary": {
        "claims_total": 4,
        "claims_changed": 3,
        "flags": {
            **{kind.value: 0 for kind in FlagKind},
            "NEW_TRIAL": 1,
            "TRIAL_COMPLETED": 1,
            "RESULTS_POSTED": 1,
            "TRIAL_STOPPED": 3,
        },
        "events": {
            **NO_EVENTS,
            "linked": 1,
            "status_changed": 3,
            "results_posted": 1,
            "dates_changed": 2,
            "why_stopped_changed": 1,
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
            "trials": [
                trial(
                    1,
                    "COMPLETED",
                    "notable",
                    "2026-11-25",
                    [
                        flag(
                            "TRIAL_COMPLETED",
                            "notable",
                            "status RECRUITING → COMPLETED on 2026-11-25",
                            "2026-11-25",
                        )
                    ],
                    [
                        change(
                            "status_changed",
                            "notable",
                            "2026-11-25",
                            old="RECRUITING",
                            new="COMPLETED",
                        ),
                        change(
                            "dates_changed",
                            "notable",
                            "2026-11-25",
                            **moved(("2027-06", "ESTIMATED"), ("2026-11-20", "ACTUAL"), -193),
                        ),
                    ],
                ),
                trial(
                    6,
                    "RECRUITING",
                    "notable",
                    "2026-11-25",
                    [
                        flag(
                            "NEW_TRIAL",
                            "notable",
                            "first posted 2026-11-25, after as_of 2026-11-21",
                            "2026-11-25",
                        )
                    ],
                    [change("linked", "minor", "2026-11-25")],
                    title=MARKUP_TITLE,
                ),
            ],
            "more": {},
            "more_trials": 0,
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
            "trials": [
                SUSPENDED_4,
                trial(
                    3,
                    "COMPLETED",
                    "notable",
                    "2026-11-26",
                    [
                        flag(
                            "RESULTS_POSTED",
                            "notable",
                            "results first posted 2026-11-26, after as_of 2026-11-21",
                            "2026-11-26",
                        )
                    ],
                    [
                        change(
                            "results_posted",
                            "notable",
                            "2026-11-26",
                            results_first_posted="2026-11-26",
                        )
                    ],
                ),
            ],
            "more": {},
            "more_trials": 0,
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
            "trials": [
                SUSPENDED_4,
                trial(
                    5,
                    "TERMINATED",
                    "critical",
                    "2026-11-25",
                    [stopped(5, "ACTIVE_NOT_RECRUITING", "TERMINATED", "2026-11-25")[0]],
                    [
                        stopped(5, "ACTIVE_NOT_RECRUITING", "TERMINATED", "2026-11-25")[1],
                        change(
                            "why_stopped_changed",
                            "notable",
                            "2026-11-25",
                            old=None,
                            new="Sponsor decision",
                        ),
                        change(
                            "dates_changed",
                            "minor",
                            "2026-11-25",
                            **moved(("2027-01", "ESTIMATED"), ("2026-11-24", "ACTUAL"), -38),
                        ),
                    ],
                ),
            ],
            "more": {},
            "more_trials": 0,
            "folded": {},
        },
        {
            "claim_id": "quiet-claim",
            "article_id": "stem-cells",
            "article": {"title": "Stem cells against cancer", "url": None},
            "text": "Nothing ever happens to this claim.",
            "evidence_level": "no-trials",
            "status": status("quiet-claim", 0, (0, 0, 0, 0, 0), 0, "no-trials", None),
            "trials": [],
            "more": {},
            "more_trials": 0,
            "folded": {},
        },
    ],
}


def test_json_is_exactly_the_weeks_changes_claim_by_claim(digest_week: Tracker) -> None:
    result = digest_week(*WEEK, "--format", "json")
    assert result.status == 0, result.err
    assert json.loads(result.out) == EXPECTED


def test_a_digest_read_one_claim_at_a_time_is_the_same(
    digest_week: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_week = ("digest", "--week", "2026-W47", "--format", "json", "--out", "-")
    whole = digest_week(*import_week).out

    monkeypatch.setattr("tracker.digest.build.EVENTS_PER_BATCH", 1)

    assert digest_week(*import_week).out == whole
    assert json.loads(digest_week(*WEEK, "--format", "json").out) == EXPECTED


def test_markdown_lists_each_trial_once_by_severity_with_flag_reasons(
    digest_week: Tracker,
) -> None:
    text = digest_week(*WEEK).out
    assert text.startswith("# Claim–trial digest 2026-W48 (23–29 November 2026)\n")
    assert "**3 of 4 claims changed.**" in text
    assert (
        "Flags raised: NEW_TRIAL 1, TRIAL_COMPLETED 1, RESULTS_POSTED 1, TRIAL_STOPPED 3," in text
    )
    headings = re.findall(r"^#+ .*$", text, flags=re.MULTILINE)
    assert headings[1:] == [
        "## liver-msc",
        "### Notable",
        "## myeloma-asct",
        "### Critical",
        "### Notable",
        "## aml-allo",
        "### Critical",
        "## Claims without changes",
    ]
    assert text.count("(https://clinicaltrials.gov/study/NCT00000001)") == 1
    assert (
        "- [NCT00000001](https://clinicaltrials.gov/study/NCT00000001) Study NCT00000001:"
        " COMPLETED\n"
        "  - **TRIAL_COMPLETED** (notable): status RECRUITING → COMPLETED on 2026-11-25\n"
        "  - notable: status RECRUITING → COMPLETED (2026-11-25)\n"
        "  - notable: completion 2027-06 → 2026-11-20 actual (-193 days) (2026-11-25)\n"
    ) in text
    assert "  - notable: why stopped: Sponsor decision (2026-11-25)\n" in text
    assert (
        "Evidence: **no-trials**, 2 trials"
        " (0 planned, 0 ongoing, 0 completed, 2 stopped, 0 unknown)" in text
    )
    assert text.rstrip().endswith("- quiet-claim: no-trials, 0 trials")


def test_markdown_lists_each_claim_without_changes_on_its_own_line(
    digest_week: Tracker,
) -> None:
    document = json.loads(digest_week(*WEEK, "--format", "json").out)
    (quiet,) = [claim for claim in document["claims"] if not claim["trials"]]
    document["claims"].append({**quiet, "claim_id": "second-quiet-claim"})

    text = render(document, "md")

    assert text.rstrip().endswith(
        "- quiet-claim: no-trials, 0 trials\n- second-quiet-claim: no-trials, 0 trials"
    )


def test_min_severity_leaves_out_what_matters_less(digest_week: Tracker) -> None:
    document = json.loads(digest_week(*WEEK, "--format", "json", "--min-severity", "critical").out)
    kept = {
        claim["claim_id"]: [
            (trial["nct_id"], [item["kind"] for item in trial["flags"] + trial["changes"]])
            for trial in claim["trials"]
        ]
        for claim in document["claims"]
    }
    stop = ["TRIAL_STOPPED", "status_changed"]
    assert kept == {
        "liver-msc": [],
        "myeloma-asct": [(nct(4), stop)],
        "aml-allo": [(nct(4), stop), (nct(5), stop)],
        "quiet-claim": [],
    }
    assert document["summary"]["claims_changed"] == 2
    notable = digest_week(*WEEK, "--min-severity", "notable").out
    assert "minor:" not in notable
    assert "notable: why stopped: Sponsor decision" in notable


def test_markdown_escapes_markup_from_the_registry(digest_week: Tracker) -> None:
    text = digest_week(*WEEK).out
    assert (
        r"\<script\>alert('x')\</script\> \& MSC \*for\* \[HCC\]:"
        " RECRUITING\n  - **NEW_TRIAL** (notable): first posted 2026-11-25" in text
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
    assert all(claim["trials"] == [] for claim in document["claims"])


def test_the_week_before_holds_the_first_sync(digest_week: Tracker) -> None:
    document = json.loads(
        digest_week("digest", "--week", "2026-W47", "--format", "json", "--out", "-").out
    )
    assert document["summary"]["flags"]["NEW_TRIAL"] == 1
    assert document["summary"]["events"]["linked"] == 6
    liver = document["claims"][0]
    assert [
        (
            trial["nct_id"],
            [f["kind"] for f in trial["flags"]],
            [c["kind"] for c in trial["changes"]],
        )
        for trial in liver["trials"]
    ] == [(nct(2), ["NEW_TRIAL"], ["linked"]), (nct(1), [], ["linked"])]


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


def test_a_claim_lists_its_most_severe_trials_and_counts_the_rest_by_kind(
    tracker: Tracker, registry: FakeCtgov, database_url: str, tmp_path: Path
) -> None:
    tracker("claims", "load", str(write_claims(tmp_path, CLAIMS)))
    for number in range(1, SHOWN_PER_CLAIM + 4):
        registry.put_study(make_study(nct(number), **LIVER))
    registry.put_study(make_study(nct(99), **LIVER, first_posted="2026-11-22"))
    registry.put_study(make_study(nct(98), **MYELOMA))
    sync_at(database_url, registry, datetime(2026, 11, 22, 3, 0, tzinfo=UTC))

    document = json.loads(
        tracker("digest", "--week", "2026-W47", "--format", "json", "--out", "-").out
    )
    markdown = tracker("digest", "--week", "2026-W47", "--out", "-").out

    liver = next(claim for claim in document["claims"] if claim["claim_id"] == "liver-msc")
    assert len(liver["trials"]) == SHOWN_PER_CLAIM
    assert liver["trials"][0]["nct_id"] == nct(99)
    assert (liver["more_trials"], liver["more"]) == (4, {"linked": 4})
    myeloma = next(claim for claim in document["claims"] if claim["claim_id"] == "myeloma-asct")
    assert [trial["nct_id"] for trial in myeloma["trials"]] == [nct(98)]
    assert document["summary"]["events"]["linked"] == SHOWN_PER_CLAIM + 5
    assert (
        "… and 4 more trials (`tracker claims show liver-msc --history`):\n\n- linked: 4\n"
        in markdown
    )
