"""Helpers for sync tests: a small claim file, the fake registry's days, the database's state.

`state(url)` reads back what a sync leaves (studies, links, events, flags) without the
clock's timestamps, so that runs at different moments can be compared for equality.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.engine import connect, transaction
from db.models import ClaimStudy, Flag, Study, StudyEvent

CLAIMS = """\
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


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


def state(url: str) -> dict[str, Any]:
    """Studies, links, events and flags as comparable values, clock timestamps left out."""
    engine = connect(url)
    try:
        with transaction(engine) as session:
            studies = {
                s.nct_id: (s.overall_status, s.record_hash) for s in session.scalars(select(Study))
            }
            links = {
                (link.claim_id, link.nct_id): (
                    link.is_matching,
                    link.topic_version,
                    _plain(link.matched_on),
                )
                for link in session.scalars(select(ClaimStudy))
            }
            events = sorted(
                (
                    e.kind,
                    e.nct_id,
                    e.claim_id or "",
                    e.effective_on or "",
                    json.dumps(e.detail, sort_keys=True),
                    e.severity,
                )
                for e in session.scalars(select(StudyEvent))
            )
            flags = {
                (f.claim_id, f.nct_id, f.kind): (f.reason, f.effective_on, f.acknowledged_at)
                for f in session.scalars(select(Flag))
            }
    finally:
        engine.dispose()
    return {"studies": studies, "links": links, "events": events, "flags": flags}
