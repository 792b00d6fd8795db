"""The shared scenario: three claims of one article, and the fake registry's days.

Day one posts the claims' studies (and one that matches none); day two completes one,
terminates another and posts a new one behind throttling and a 503; day three posts results
and suspends the study two claims share; day four moves a study out of a claim's search.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ctgov_builders import make_study, nct

from tracker.fake_registry import FakeCtgov, Fault

LIVER_CLAIM = """\
article:
  id: stem-cells
  title: "Stem cells against cancer"
claims:
  - id: liver-msc
    text: "MSCs regenerate liver tissue in liver cancer."
    as_of: 2026-11-21
    topic:
      conditions: ["hepatocellular carcinoma"]
      interventions: ["mesenchymal stem cells"]
"""
"""The liver claim of `CLAIMS` alone."""

CLAIMS = (
    LIVER_CLAIM
    + """\
  - id: myeloma-asct
    text: "Autologous transplant works in multiple myeloma."
    as_of: 2026-11-21
    topic:
      conditions: ["multiple myeloma"]
      interventions: ["autologous stem cell transplantation"]
  - id: aml-allo
    text: "Allogeneic transplant works in acute myeloid leukemia."
    as_of: 2026-11-21
    topic:
      conditions: ["acute myeloid leukemia"]
      interventions: ["allogeneic stem cell transplantation"]
"""
)

LIVER = {
    "conditions": ["Hepatocellular Carcinoma"],
    "interventions": [("BIOLOGICAL", "Mesenchymal Stem Cells")],
}
MYELOMA = {
    "conditions": ["Multiple Myeloma"],
    "interventions": [("PROCEDURE", "Autologous Stem Cell Transplantation")],
}
AML = {
    "conditions": ["Acute Myeloid Leukemia"],
    "interventions": [("PROCEDURE", "Allogeneic Stem Cell Transplantation")],
}


def write_claims(folder: Path, text: str = CLAIMS) -> Path:
    path = folder / "claims.yaml"
    path.write_text(text)
    return path


WHY_LIVER = {
    "conditions": ["hepatocellular carcinoma"],
    "interventions": ["mesenchymal stem cells"],
    "terms": [],
}
WHY_MYELOMA = {
    "conditions": ["multiple myeloma"],
    "interventions": ["autologous stem cell transplantation"],
    "terms": [],
}
WHY_AML = {
    "conditions": ["acute myeloid leukemia"],
    "interventions": ["allogeneic stem cell transplantation"],
    "terms": [],
}
SHARED = {
    "conditions": ["Multiple Myeloma", "Acute Myeloid Leukemia"],
    "interventions": [
        ("PROCEDURE", "Autologous Stem Cell Transplantation"),
        ("PROCEDURE", "Allogeneic Stem Cell Transplantation"),
    ],
}


def day_one(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-24T09:00:00")
    for study in (
        make_study(
            nct(1),
            **LIVER,
            first_posted="2025-01-10",
            last_update="2025-06-01",
            completion=("2027-06", "ESTIMATED"),
        ),
        make_study(nct(2), **LIVER, status="NOT_YET_RECRUITING", first_posted="2026-11-23"),
        make_study(
            nct(3),
            **MYELOMA,
            status="COMPLETED",
            first_posted="2019-03-01",
            completion="2024-02-01",
            last_update="2024-05-01",
        ),
        make_study(nct(4), **SHARED, first_posted="2023-05-05", last_update="2025-01-01"),
        make_study(
            nct(5),
            **AML,
            status="ACTIVE_NOT_RECRUITING",
            first_posted="2022-01-01",
            completion=("2027-01", "ESTIMATED"),
            last_update="2025-02-02",
        ),
        make_study(nct(9), conditions=["Asthma"], interventions=["Dupilumab"]),
    ):
        registry.put_study(study)


def day_two(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-25T09:00:00")
    registry.put_study(
        make_study(
            nct(1),
            **LIVER,
            status="COMPLETED",
            first_posted="2025-01-10",
            completion="2026-11-20",
            last_update="2026-11-25",
        )
    )
    registry.put_study(
        make_study(
            nct(5),
            **AML,
            status="TERMINATED",
            why_stopped="Sponsor decision",
            first_posted="2022-01-01",
            completion="2026-11-24",
            last_update="2026-11-25",
        )
    )
    registry.put_study(make_study(nct(6), **LIVER, first_posted="2026-11-25"))
    registry.inject(Fault.too_many_requests(retry_after=0), times=2)
    registry.inject(Fault.unavailable(retry_after=0))


def day_three(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-26T09:00:00")
    registry.put_study(
        make_study(
            nct(3),
            **MYELOMA,
            status="COMPLETED",
            first_posted="2019-03-01",
            completion="2024-02-01",
            results_first_posted="2026-11-26",
        )
    )
    registry.put_study(
        make_study(
            nct(4),
            **SHARED,
            status="SUSPENDED",
            first_posted="2023-05-05",
            last_update="2026-11-26",
        )
    )


def day_four(registry: FakeCtgov) -> None:
    registry.set_data_timestamp("2026-11-27T09:00:00")
    registry.put_study(
        make_study(
            nct(2),
            conditions=["Cholangiocarcinoma"],
            interventions=LIVER["interventions"],
            status="RECRUITING",
            first_posted="2026-11-23",
            last_update="2026-11-27",
        )
    )


def event(
    kind: str, n: int, claim: str = "", on: str = "", severity: str = "minor", **detail: Any
) -> tuple[str, ...]:
    return (kind, nct(n), claim, on, json.dumps(detail, sort_keys=True), severity)


def linked(claim: str, n: int, why: dict[str, Any]) -> tuple[str, ...]:
    return event("linked", n, claim, topic_version=1, matched_on=why)


# A claim tested by real records, whose linked trials fall in every relevance tier.
TADALAFIL_RECORDS = Path(__file__).parent / "data" / "relevance" / "records"

TADALAFIL_CLAIM = """\
article:
  id: ed
  title: "Erectile dysfunction"
claims:
  - id: tadalafil-ed
    text: "Tadalafil improves erectile function in men with erectile dysfunction."
    as_of: 2008-01-01
    topic:
      conditions: ["erectile dysfunction"]
      interventions: ["tadalafil"]
"""
TADALAFIL_DIRECT = ("NCT00836693", "NCT03566914")
"""Tadalafil against placebo: they test the claim."""
TADALAFIL_OTHERS = ("NCT05199727", "NCT01160289")
"""Shock waves tested against tadalafil (indirect); LY2452473 tested with tadalafil in
every arm (background)."""


def put_tadalafil_records(registry: FakeCtgov) -> None:
    for nct_id in (*TADALAFIL_DIRECT, *TADALAFIL_OTHERS):
        registry.put_study(json.loads((TADALAFIL_RECORDS / f"{nct_id}.json").read_text()))
