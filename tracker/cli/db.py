"""`tracker db ...`: create or migrate the database."""

from __future__ import annotations

import argparse

from tracker.cli.context import Context
from tracker.cli.help import DATABASE, add_command


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "db",
        "create or migrate the database",
        """Other commands create the schema in an empty database themselves, but never
        migrate an older one behind your back: that is `tracker db upgrade`.""",
        ["tracker db upgrade"],
        DATABASE,
    )
    actions = parser.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    add_command(
        actions,
        "upgrade",
        "create the database or migrate it to this version",
        """Applies the schema migrations the database lacks, in one go. Back up a shared
        database first; the other commands stop and ask for this when the schema is old.""",
        [
            "tracker db upgrade",
            "TRACKER_DATABASE_URL=postgresql+psycopg://tracker@db/tracker tracker db upgrade",
        ],
        DATABASE,
    ).set_defaults(run=run_upgrade)


def run_upgrade(ctx: Context, _args: argparse.Namespace) -> int:
    from db.engine import display_url
    from db.migrate import head_revision, upgrade
    from db.revision import current_revision, refuse_foreign

    engine = ctx.engine(migrate=False)
    before = current_revision(engine)
    if before is None:
        refuse_foreign(engine)
    upgrade(engine)
    head = head_revision()
    if before == head:
        print(f"{display_url(engine)} is up to date (schema revision {head})", file=ctx.out)
    else:
        print(
            f"{display_url(engine)} migrated from {before or 'empty'} to schema revision {head}",
            file=ctx.out,
        )
    return 0
