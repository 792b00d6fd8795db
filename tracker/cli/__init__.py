"""The `tracker` command line: parse arguments, call the library, print, map errors to exits.

Exit status: 0 success, 1 a failure the user must see, 2 bad usage or input.

Each command module registers its arguments when imported, and imports the library code
that only its command needs (Alembic, requests, Jinja2, APScheduler, the drafter) inside
its `run_*` function: every command would otherwise pay for all of them at start-up.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

import tracker
from tracker.interrupts import Interrupts, exit_quietly_until_handled

exit_quietly_until_handled()

from tracker.cli import catalog, dev, digest, flags, schema, status, sync  # noqa: E402
from tracker.cli.context import Context  # noqa: E402
from tracker.cli.safe_text import for_terminal  # noqa: E402
from tracker.config import load_settings  # noqa: E402
from tracker.errors import REPORTABLE  # noqa: E402

COMMAND_PLUGINS = "tracker.commands"
"""Entry points that add commands: `jobs` adds `schedule` without `tracker` importing it."""


class _Version(argparse.Action):
    """`--version`, looking the version up only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        parser.exit(message=f"{parser.prog} {tracker.__version__}\n")


def _needs_plugins(argv: Sequence[str], built_in: Sequence[str]) -> bool:
    """Whether the command line may name a plugin command (or asks for help on them all):
    finding plugins reads every installed package's metadata, which built-in commands
    need not wait for."""
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    return command is None or command not in built_in


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv` (default: every command, plugins included)."""
    parser = argparse.ArgumentParser(
        prog="tracker",
        description="Keep article claims tied to the ClinicalTrials.gov studies that bear on them.",
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also report retries and other details"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (schema, catalog, sync, status, flags, digest, dev):
        module.register(commands)
    if argv is None or _needs_plugins(argv, list(commands.choices)):
        from importlib.metadata import entry_points

        for plugin in entry_points(group=COMMAND_PLUGINS):
            plugin.load()(commands)
    return parser


INTERRUPTS = Interrupts()
"""SIGINT and SIGTERM unwind like Ctrl-C (open transactions roll back, the sync run is
closed as interrupted), but never from inside the database stack: see `tracker.interrupts`."""


def _interrupted() -> int:
    print("tracker: interrupted", file=sys.stderr)
    return INTERRUPTS.exit_status


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="tracker: %(levelname)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    INTERRUPTS.install()
    status = _run(args)
    if INTERRUPTS.signum is not None and status != INTERRUPTS.exit_status:
        status = _interrupted()
    return status


def _run(args: argparse.Namespace) -> int:
    """The command, with its errors and interruptions turned into an exit status."""
    ctx: Context | None = None
    try:
        try:
            ctx = Context(load_settings())
            status = args.run(ctx, args)
            INTERRUPTS.check()
            return status
        finally:
            INTERRUPTS.closing = True
            if ctx is not None:
                ctx.close()
    except REPORTABLE as exc:
        if INTERRUPTS.signum is not None:
            return _interrupted()
        print(f"tracker: error: {for_terminal(str(exc))}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        sys.stderr.close()
        return 1
