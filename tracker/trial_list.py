"""A claim's linked trials by relevance (`tracker trials`, the desk), with plain SQL through
a `db.reader.Reader`: the command answers without loading SQLAlchemy or the ORM models."""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable, Sequence
from typing import Any

from claims.lookup import claim_row
from db.counting import counts_for_claim
from db.dbapi import utc_datetime
from db.enums import TIER_RANK
from db.reader import Reader

TRIALS_SQL = (
    "SELECT cs.nct_id, cs.relevance_tier, cs.relevance_score, cs.screening,"
    " CAST(cs.relevance_reasons AS TEXT) AS relevance_reasons, s.brief_title,"
    " s.overall_status, CAST(s.phases AS TEXT) AS phases"
    " FROM claim_studies cs JOIN studies s ON s.nct_id = cs.nct_id"
    " WHERE cs.claim_id = :claim_id AND cs.is_matching"
)
"""A claim's matching trials, as `tracker trials CLAIM` reads them (the benchmark's bare
program runs it too)."""
_DECISIONS = (
    "SELECT nct_id, decision, note, decided_by, decided_at FROM screening_decisions"
    " WHERE claim_id = :claim_id ORDER BY id"
)


def claim_trials(
    reader: Reader, claim_id: str, tiers: Sequence[str] = (), *, history: bool = False
) -> list[dict[str, Any]]:
    """The claim's matching trials, best tier and score first, with their reasons and
    screening; `tiers` limits them; `history` adds every decision, oldest first."""
    min_relevance = claim_row(reader, claim_id)["min_relevance"]
    params: dict[str, Any] = {"claim_id": claim_id}
    sql = TRIALS_SQL
    if tiers:
        names = [f"tier_{number}" for number in range(len(tiers))]
        params.update(zip(names, tiers, strict=True))
        sql += f" AND cs.relevance_tier IN ({', '.join(f':{name}' for name in names)})"
    decisions: dict[str, list[dict[str, Any]]] = {}
    if history:
        for row in reader.rows(_DECISIONS, {"claim_id": claim_id}):
            decisions.setdefault(row["nct_id"], []).append(_decision(row))
    phases, reasons = _Memo(_phase), _Memo(_reason_texts)
    trials = [
        {
            "nct_id": link["nct_id"],
            "tier": link["relevance_tier"],
            "score": link["relevance_score"],
            "screening": link["screening"],
            "counts": counts_for_claim(link["relevance_tier"], link["screening"], min_relevance),
            "title": link["brief_title"],
            "status": link["overall_status"],
            "phase": phases[link["phases"]],
            "reasons": list(reasons[link["relevance_reasons"]]),
            **({"decisions": decisions.get(link["nct_id"], [])} if history else {}),
        }
        for link in reader.rows(sql, params)
    ]
    trials.sort(
        key=lambda t: (-TIER_RANK.get(t["tier"] or "", 0), -(t["score"] or 0.0), t["nct_id"])
    )
    return trials


class _Memo(dict[str, Any]):
    """A JSON column's values read once per distinct text: a claim's trials share a few
    phase lists and, judged by the same phrases, many reasons."""

    def __init__(self, read: Callable[[str], Any]) -> None:
        super().__init__()
        self.read = read

    def __missing__(self, text: str) -> Any:
        value = self[text] = self.read(text)
        return value


def _phase(text: str) -> str:
    return "/".join(_json(text))


def _reason_texts(text: str) -> tuple[str, ...]:
    return tuple(reason["text"] for reason in _json(text))


_SCAN = json.scanner.make_scanner(json.JSONDecoder())


def _json(text: str) -> Any:
    """A JSON column's text as stored by the sync (one value, nothing after it), read by
    the standard library's scanner: `json.loads` checks cost twice the reading of these
    short values, two per trial of claims with thousands."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def _decision(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "decision": row["decision"],
        "note": row["note"],
        "by": row["decided_by"],
        "at": utc_datetime(row["decided_at"]),
    }
