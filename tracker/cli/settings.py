"""`tracker config`: the effective settings, and where each came from."""

from __future__ import annotations

import argparse

from tracker.cli.context import Context
from tracker.cli.help import add_command
from tracker.cli.output import add_format_option, emit

FIELDS = ("variable", "value", "origin", "name")
TABLE = ("variable", "value", "origin")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "config",
        "print the effective settings and where each came from",
        """Each setting's value and its origin: `default`, the tracker.toml that set it, or
        `environment` (which wins over the file). Secrets are masked. In tracker.toml a
        setting's key is the `name` column (the variable in lower case without TRACKER_).""",
        ["tracker config", "TRACKER_CONFIG=/etc/tracker.toml tracker config --format json"],
        ("TRACKER_CONFIG", "every TRACKER_* variable", "CTGOV_API_URL"),
    )
    add_format_option(parser)
    parser.set_defaults(run=run_config)


def run_config(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.config import describe_settings

    rows = [source._asdict() for source in describe_settings()]
    emit(rows, args.format, ctx.out, fields=FIELDS, table=TABLE)
    return 0
