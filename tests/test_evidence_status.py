"""Evidence status three ways (CLI JSON, CSV, the SQL view), agreeing with hand counts."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from conftest import Tracker
from evidence_fixtures import NO_FLAGS, status_record
from sqlalchemy import text

from db.engine import connect


def _expected(claim: str, *args: Any, **flags: int) -> dict[str, Any]:
    return status_record(claim, "evidence", *args, **flags)


EXPECTED = [
    _expected("no-trials", 0, (0, 0, 0, 0, 0), 0, None, "no-trials", None),
    _expected(
        "all-stopped", 2, (0, 0, 0, 2, 0), 0, None, "no-trials", "2026-11-25", TRIAL_STOPPED=1
    ),
    _expected(
        "planned", 1, (1, 0, 0, 0, 0), 0, "PHASE1", "planned-only", "2026-11-22", NEW_TRIAL=1
    ),
    _expected("ongoing", 3, (1, 1, 0, 0, 1), 0, "PHASE2", "ongoing", "2026-11-23", NEW_TRIAL=1),
    _expected("completed", 2, (0, 0, 1, 1, 0), 0, "PHASE2", "completed-no-results", "2020-01-15"),
    _expected(
        "results",
        2,
        (0, 1, 1, 0, 0),
        1,
        "PHASE3",
        "results-available",
        "2026-11-24",
        NEW_TRIAL=1,
        RESULTS_POSTED=1,
    ),
]


def _flat(record: dict[str, Any]) -> dict[str, str]:
    flat = {key: value for key, value in record.items() if not isinstance(value, dict)}
    flat.update(record["by_status_group"])
    flat.update(record["by_tier"])
    flat.update({f"open_{kind.lower()}": count for kind, count in record["open_flags"].items()})
    return {key: "" if value is None else str(value) for key, value in flat.items()}


def test_json_gives_the_hand_counted_status_of_every_claim(evidence_db: Tracker) -> None:
    assert json.loads(evidence_db("status", "--format", "json").out) == EXPECTED


def test_csv_and_the_sql_view_give_the_same_numbers_as_json(
    evidence_db: Tracker, database_url: str
) -> None:
    from_csv = list(csv.DictReader(io.StringIO(evidence_db("status", "--format", "csv").out)))
    assert from_csv == [_flat(record) for record in EXPECTED]
    engine = connect(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT * FROM claim_evidence_status ORDER BY claim_id")
        ).mappings()
        from_sql = [
            {
                key: "" if value is None else str(value)
                for key, value in row.items()
                if key != "claim_status"
            }
            for row in rows
        ]
    engine.dispose()
    assert from_sql == sorted(from_csv, key=lambda row: row["claim_id"])


def test_acknowledged_flags_leave_the_open_counts(evidence_db: Tracker) -> None:
    assert evidence_db("flags", "ack", "results").out == "acknowledged 2 flags\n"
    [results] = json.loads(evidence_db("status", "results", "--format", "json").out)
    assert results["open_flags"] == NO_FLAGS


def test_status_of_one_claim_and_of_an_unknown_one(evidence_db: Tracker) -> None:
    one = json.loads(evidence_db("status", "planned", "--format", "json").out)
    assert one == [EXPECTED[2]]
    unknown = evidence_db("status", "nope")
    assert (unknown.status, unknown.err) == (
        2,
        "tracker: error: no claim with id 'nope' (see `tracker claims list`)\n",
    )


def test_status_table_is_one_line_per_active_claim(evidence_db: Tracker) -> None:
    lines = evidence_db("status", "--wide").out.splitlines()
    assert len(lines) == 1 + len(EXPECTED)
    assert lines[0].split() == [
        *("claim", "id", "evidence", "level", "results", "phase", "flags", "to", "screen"),
        *("changed", "trials"),
    ]
    assert lines[-1].split() == [
        *("results", "results-available", "1", "PHASE3", "2", "0", "2026-11-24"),
        *("2", "(1", "ongoing,", "1", "completed)"),
    ]
