"""`tracker status`: each claim's evidence status, read from the `claim_evidence_status` view."""

from __future__ import annotations

import argparse
from typing import Any

from claims.errors import UnknownClaim
from tracker.cli.context import Context
from tracker.cli.help import DATABASE, add_command
from tracker.cli.output import add_format_option, emit, write_json

TABLE_FIELDS = (
    "claim_id",
    "evidence_level",
    "results",
    "phase",
    "flags",
    "to_screen",
    "changed",
    "trials",
)
"""The table, narrowed for a terminal: the counts by group in one column, open flags as
a count (`tracker flags` lists them), trials awaiting screening (`tracker trials`); JSON
and CSV carry every figure."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "status",
        "evidence status per claim",
        """Counts each active claim's linked trials that still match its topic by status
        group (planned, ongoing, completed, stopped, unknown), with results, highest phase,
        open flags and the latest registry update, and names the strongest evidence level
        that applies. Read from the database only; run `tracker sync` to refresh it.""",
        ["tracker status", "tracker status allogeneic-transplant-leukemia --format json"],
        DATABASE,
    )
    parser.add_argument(
        "claim_id", nargs="?", metavar="CLAIM_ID", help="one claim (default: all active)"
    )
    add_format_option(parser)
    parser.set_defaults(run=run_status, logs=False)


def _csv_fields() -> tuple[str, ...]:
    from db.view_columns import STATUS_COLUMNS

    return tuple(name for name in STATUS_COLUMNS if name != "claim_status")


def _table_row(row: dict[str, Any]) -> dict[str, Any]:
    from db.view_columns import FLAG_COLUMNS, STATUS_GROUPS

    groups = ", ".join(f"{row[group]} {group}" for group in STATUS_GROUPS if row[group])
    return {
        "claim_id": row["claim_id"],
        "evidence_level": row["evidence_level"],
        "trials": f"{row['trials_total']} ({groups})" if groups else str(row["trials_total"]),
        "results": row["with_results"],
        "phase": row["highest_phase"],
        "flags": sum(row[column] for column in FLAG_COLUMNS.values()),
        "to_screen": row["awaiting_screening"],
        "changed": row["last_change"],
    }


def run_status(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.status import nested, status_rows

    with ctx.reads() as reader:
        rows = status_rows(reader, args.claim_id)
    if args.claim_id is not None and not rows:
        raise UnknownClaim(args.claim_id)
    if args.format == "json":
        write_json([nested(row) for row in rows], ctx.out)
    elif args.format == "csv":
        emit(rows, "csv", ctx.out, fields=_csv_fields())
    else:
        emit(
            [_table_row(row) for row in rows],
            args.format,
            ctx.out,
            fields=TABLE_FIELDS,
        )
    return 0
