"""A database at every evidence level, built through a real sync against the fake registry.

Claims `no-trials`, `all-stopped`, `planned`, `ongoing`, `completed` and `results` each
search their own condition; `STUDIES` puts the registry's trials behind them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ctgov_builders import make_study, nct

from db.enums import FlagKind
from tracker.fake_registry import FakeCtgov

NO_FLAGS = {kind.value: 0 for kind in FlagKind}


def status_record(
    claim: str,
    article: str,
    total: int,
    groups: tuple[int, ...],
    results: int,
    phase: str | None,
    level: str,
    last: str | None,
    *,
    tiers: tuple[int, int, int] | None = None,
    awaiting: int = 0,
    publications: int = 0,
    **flags: int,
) -> dict[str, Any]:
    """A claim's status as `tracker status --format json` gives it; groups in view order;
    `tiers` (direct, indirect, background) default to every trial direct."""
    return {
        "claim_id": claim,
        "article_id": article,
        "trials_total": total,
        "by_status_group": dict(
            zip(("planned", "ongoing", "completed", "stopped", "unknown"), groups, strict=True)
        ),
        "with_results": results,
        "with_publications": publications,
        "highest_phase": phase,
        "evidence_level": level,
        "open_flags": {**NO_FLAGS, **flags},
        "last_change": last,
        "by_tier": dict(
            zip(("direct", "indirect", "background"), tiers or (total, 0, 0), strict=True)
        ),
        "excluded": 0,
        "awaiting_screening": awaiting,
        "min_relevance": "direct",
    }


CLAIMS = """\
article:
  id: evidence
  title: "Evidence at every level"
claims:
""" + "".join(
    f"""  - id: {claim}
    text: "Claim about {word} syndrome."
    as_of: 2026-11-21
    topic:
      conditions: ["{word} syndrome"]
"""
    for claim, word in [
        ("no-trials", "alpha"),
        ("all-stopped", "beta"),
        ("planned", "gamma"),
        ("ongoing", "delta"),
        ("completed", "epsilon"),
        ("results", "zeta"),
    ]
)


def _study(number: int, word: str, status: str, **fields: Any) -> dict[str, Any]:
    return make_study(nct(number), conditions=[f"{word.title()} Syndrome"], status=status, **fields)


STUDIES = [
    _study(10, "beta", "TERMINATED", completion="2026-11-25", last_update="2026-11-25"),
    _study(11, "beta", "WITHDRAWN", completion="2024-01-01", last_update="2024-02-01"),
    _study(20, "gamma", "NOT_YET_RECRUITING", first_posted="2026-11-22", phases=["PHASE1"]),
    _study(30, "delta", "RECRUITING", phases=["PHASE1", "PHASE2"], last_update="2025-05-05"),
    _study(31, "delta", "NOT_YET_RECRUITING", first_posted="2026-11-23"),
    _study(32, "delta", "UNKNOWN", last_update="2021-03-03"),
    _study(40, "epsilon", "COMPLETED", completion="2025-01-01", phases=["NA"]),
    _study(41, "epsilon", "TERMINATED", completion="2023-01-01", phases=["PHASE2"]),
    _study(50, "zeta", "COMPLETED", phases=["PHASE3"], results_first_posted="2026-11-24"),
    _study(51, "zeta", "RECRUITING", phases=["EARLY_PHASE1"], first_posted="2026-11-24"),
]


@pytest.fixture
def evidence_db(tracker: Any, registry: FakeCtgov, tmp_path: Path) -> Any:
    """The `tracker` runner, on a database synced with the evidence claims and studies."""
    path = tmp_path / "evidence.yaml"
    path.write_text(CLAIMS)
    assert tracker("claims", "load", str(path)).status == 0
    for study in STUDIES:
        registry.put_study(study)
    assert tracker("sync", "--quiet").status == 0
    return tracker
