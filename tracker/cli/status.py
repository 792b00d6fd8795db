"""`tracker status`: each claim's evidence status, read from the `claim_evidence_status` view."""

from __future__ import annotations

import argparse
from typing import Any

from claims.errors import UnknownClaim
from db.views import FLAG_COLUMNS, claim_evidence_status
from tracker.cli.context import Context
from tracker.cli.output import add_format_option, emit, write_json

CSV_FIELDS = tuple(
    column.name for column in claim_evidence_status.columns if column.name != "claim_status"
)
TABLE_FIELDS = (
    "claim_id",
    "evidence_level",
    "trials_total",
    "planned",
    "ongoing",
    "completed",
    "stopped",
    "unknown",
    "with_results",
    "highest_phase",
    "open_flags",
    "awaiting_screening",
    "last_change",
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("status", help="evidence status per claim")
    parser.add_argument(
        "claim_id", nargs="?", metavar="CLAIM_ID", help="one claim (default: all active)"
    )
    add_format_option(parser)
    parser.set_defaults(run=run_status)


def _open_flags(row: dict[str, Any]) -> str:
    return ", ".join(
        f"{kind} {row[column]}" for kind, column in FLAG_COLUMNS.items() if row[column]
    )


def run_status(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.status import nested, status_rows

    with ctx.connection() as connection:
        rows = status_rows(connection, args.claim_id)
    if args.claim_id is not None and not rows:
        raise UnknownClaim(args.claim_id)
    if args.format == "json":
        write_json([nested(row) for row in rows], ctx.out)
    elif args.format == "csv":
        emit(rows, "csv", ctx.out, fields=CSV_FIELDS)
    else:
        emit(
            [{**row, "open_flags": _open_flags(row)} for row in rows],
            "table",
            ctx.out,
            fields=TABLE_FIELDS,
        )
    return 0
