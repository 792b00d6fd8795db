"""`tracker db ...`: create or migrate the database."""

from __future__ import annotations

import argparse

from db.engine import describe
from db.revision import current_revision, refuse_foreign
from tracker.cli.context import Context


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("db", help="create or migrate the database")
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    actions.add_parser(
        "upgrade", help="create the database or migrate it to this version"
    ).set_defaults(run=run_upgrade)


def run_upgrade(ctx: Context, _args: argparse.Namespace) -> int:
    from db.migrate import head_revision, upgrade

    engine = ctx.engine(migrate=False)
    before = current_revision(engine)
    if before is None:
        refuse_foreign(engine)
    upgrade(engine)
    head = head_revision()
    if before == head:
        print(f"{describe(engine)} is up to date (schema revision {head})", file=ctx.out)
    else:
        print(
            f"{describe(engine)} migrated from {before or 'empty'} to schema revision {head}",
            file=ctx.out,
        )
    return 0
