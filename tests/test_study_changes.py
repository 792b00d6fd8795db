"""Change detection and severity on real registry records: each edit a registry makes to a
study gives one dated event with its old and new values, ranked by README's table."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tracker.ctgov.parse import parse_study
from tracker.sync.severity import event_severity
from tracker.sync.study_rows import changes, study_row

SAMPLES = Path(__file__).parent / "data" / "ctgov"


def raw(nct_id: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{nct_id}.json").read_text())


def row(study: dict[str, Any]) -> dict[str, Any]:
    return study_row(parse_study(study))


def found(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, severity, detail) of each change between two versions of a raw study."""
    return [
        (c.kind.value, event_severity(c.kind, c.detail).value, c.detail)
        for c in changes(row(old), row(new))
    ]


def edited(nct_id: str, module: str, **values: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    old = raw(nct_id)
    new = copy.deepcopy(old)
    new["protocolSection"][module].update(values)
    return old, new


def test_a_real_record_against_itself_changes_nothing() -> None:
    for path in sorted(SAMPLES.glob("*.json")):
        assert changes(row(raw(path.stem)), row(raw(path.stem))) == []


def test_results_publications_are_result_references_with_a_pmid() -> None:
    assert row(raw("NCT02552212"))["has_publication"]
    assert row(raw("NCT03475563"))["has_publication"]
    assert not row(raw("NCT03630471"))["has_publication"]
    assert not row(raw("NCT00465816"))["has_publication"]


def test_a_reworded_primary_measure_is_critical() -> None:
    old, new = raw("NCT02552212"), raw("NCT02552212")
    outcomes = new["protocolSection"]["outcomesModule"]["primaryOutcomes"]
    outcomes[0]["measure"] = "Percentage of Subjects With ASAS20 Response at Week 52"
    [(kind, severity, detail)] = found(old, new)
    assert (kind, severity) == ("outcome_changed", "critical")
    assert detail["added"] == detail["removed"] == []
    [reworded] = detail["reworded"]
    assert reworded["new"] == {
        "measure": "Percentage of Subjects With ASAS20 Response at Week 52",
        "time_frame": "Week 52",
    }
    assert reworded["old"]["measure"].startswith("Percentage of Subjects With Ankylosing")
    assert reworded["what"] == ["measure"]


def test_a_moved_time_frame_is_notable_and_reflowed_text_is_no_change() -> None:
    old, new = raw("NCT02552212"), raw("NCT02552212")
    outcomes = new["protocolSection"]["outcomesModule"]["primaryOutcomes"]
    outcomes[1]["timeFrame"] = "Week 24"
    outcomes[2]["measure"] = "  Certolizumab Pegol  Plasma Concentration at Baseline "
    [(kind, severity, detail)] = found(old, new)
    assert (kind, severity) == ("outcome_changed", "notable")
    assert [r["what"] for r in detail["reworded"]] == [["time_frame"]]


def test_a_primary_outcome_removed_is_critical_and_one_added_notable() -> None:
    old, new = raw("NCT02552212"), raw("NCT02552212")
    new["protocolSection"]["outcomesModule"]["primaryOutcomes"].pop()
    [(kind, severity, detail)] = found(old, new)
    assert (kind, severity) == ("outcome_changed", "critical")
    assert [o["time_frame"] for o in detail["removed"]] == ["Follow-up Visit (up to Week 60)"]
    [(kind, severity, detail)] = found(new, old)
    assert (kind, severity, len(detail["added"])) == ("outcome_changed", "notable", 1)


@pytest.mark.parametrize(
    ("count", "kind", "severity", "percent"),
    [
        (158, "ACTUAL", "notable", -50.2),
        (300, "ACTUAL", "minor", -5.4),
        (317, "ESTIMATED", "minor", 0.0),
    ],
)
def test_enrollment_changes_by_their_size(
    count: int, kind: str, severity: str, percent: float
) -> None:
    old, new = edited("NCT02552212", "designModule")
    new["protocolSection"]["designModule"]["enrollmentInfo"] = {"count": count, "type": kind}
    [(event, ranked, detail)] = found(old, new)
    assert (event, ranked) == ("enrollment_changed", severity)
    assert detail == {
        "old": {"count": 317, "type": "ACTUAL"},
        "new": {"count": count, "type": kind},
        "change_percent": percent,
    }


@pytest.mark.parametrize(
    ("moved_to", "shift", "severity"), [("2021-05", 365, "notable"), ("2020-07", 61, "minor")]
)
def test_a_key_date_moved_carries_its_shift_in_days(
    moved_to: str, shift: int, severity: str
) -> None:
    old, new = raw("NCT02552212"), raw("NCT02552212")
    new["protocolSection"]["statusModule"]["completionDateStruct"]["date"] = moved_to
    [(kind, ranked, detail)] = found(old, new)
    assert (kind, ranked) == ("dates_changed", severity)
    assert detail["completion_date"]["shift_days"] == shift


def test_phase_and_lead_sponsor_changes_are_notable() -> None:
    old, new = edited("NCT02552212", "designModule", phases=["PHASE2", "PHASE3"])
    new["protocolSection"]["sponsorCollaboratorsModule"]["leadSponsor"]["name"] = "UCB Pharma"
    assert found(old, new) == [
        ("phase_changed", "notable", {"old": ["PHASE3"], "new": ["PHASE2", "PHASE3"]}),
        ("sponsor_changed", "notable", {"old": "UCB BIOSCIENCES GmbH", "new": "UCB Pharma"}),
    ]


def test_an_arm_and_its_intervention_dropped_are_notable() -> None:
    old, new = raw("NCT02552212"), raw("NCT02552212")
    arms = new["protocolSection"]["armsInterventionsModule"]
    arms["armGroups"] = [a for a in arms["armGroups"] if a["label"] != "Placebo"]
    arms["interventions"] = [i for i in arms["interventions"] if i["name"] != "Placebo"]
    [(kind, severity, detail)] = found(old, new)
    assert (kind, severity) == ("arms_changed", "notable")
    assert detail == {
        "arms_added": [],
        "arms_removed": ["Placebo"],
        "interventions_added": [],
        "interventions_removed": ["Placebo"],
    }


@pytest.mark.parametrize(
    ("reason", "severity"),
    [
        ("Terminated early due to serious adverse events in the treatment arm", "critical"),
        ("Safety concerns raised by the DSMB", "critical"),
        ("Sponsor decision", "notable"),
    ],
)
def test_why_stopped_is_critical_when_it_names_harm(reason: str, severity: str) -> None:
    old, new = edited("NCT00973089", "statusModule", whyStopped=reason)
    assert found(old, new) == [
        (
            "why_stopped_changed",
            severity,
            {
                "old": "recruiting or enrolling participants has halted prematurely and will not"
                " resume",
                "new": reason,
            },
        )
    ]


def test_a_result_reference_added_is_a_publication_a_derived_one_is_not() -> None:
    old, new = raw("NCT03418623"), raw("NCT03418623")
    new["protocolSection"]["referencesModule"]["references"] += [
        {"pmid": "38000001", "type": "RESULT", "citation": "A B. Results. J Med. 2026 Nov;1:1."},
        {"pmid": "38000002", "type": "DERIVED", "citation": "C D. Derived. J Med. 2026 Nov;1:2."},
        {"type": "RESULT", "citation": "An abstract without a PMID. 2026."},
        {"pmid": "1)[x](https://evil.example", "type": "RESULT", "citation": "Not a PMID."},
    ]
    assert found(old, new) == [
        (
            "publication_added",
            "notable",
            {
                "pmid": "38000001",
                "citation": "A B. Results. J Med. 2026 Nov;1:1.",
                "url": "https://pubmed.ncbi.nlm.nih.gov/38000001/",
            },
        )
    ]


def test_a_row_stored_before_outcomes_and_references_were_kept_is_not_diffed_on_them() -> None:
    stored = row(raw("NCT02552212"))
    stored.update(fields_version=0, primary_outcomes=[], arm_groups=[], study_references=[])
    assert changes(stored, row(raw("NCT02552212"))) == []
