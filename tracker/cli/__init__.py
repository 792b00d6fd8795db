"""The `tracker` command line: parse arguments, call the library, print, map errors to exits.

Exit status: 0 success, 1 a failure the user must see, 2 bad usage or input.

Each command module registers its arguments when imported, and imports the library code
that only its command needs (Alembic, requests, Jinja2, APScheduler, the drafter) inside
its `run_*` function: every command would otherwise pay for all of them at start-up.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import tracker
from tracker.interrupts import Interrupts, exit_quietly_until_handled

exit_quietly_until_handled()

from tracker.cli.context import Context  # noqa: E402
from tracker.cli.help import TerminalFormatter  # noqa: E402
from tracker.cli.safe_text import for_terminal  # noqa: E402
from tracker.config import Settings, load_settings  # noqa: E402
from tracker.errors import REPORTABLE  # noqa: E402

EXAMPLES = """examples:
  tracker demo                                       # the whole loop offline, in ./tracker-demo
  tracker claims load && tracker sync && tracker status
  tracker COMMAND --help"""

COMMAND_MODULES = {
    "demo": "demo",
    "db": "db",
    "claims": "claims",
    "sync": "sync",
    "status": "status",
    "trials": "trials",
    "screen": "trials",
    "flags": "flags",
    "digest": "digest",
    "serve": "serve",
    "config": "settings",
}
"""The module in `tracker.cli` that registers each built-in command, in `--help`'s order."""

COMMAND_PLUGINS = "tracker.commands"
"""Entry points that add commands: `jobs` adds `schedule` without `tracker` importing it."""


class _Version(argparse.Action):
    """`--version`, looking the version up only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        print(f"{parser.prog} {tracker.__version__}")
        parser.exit()


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


class _Parser(argparse.ArgumentParser):
    """Bad usage in one line, pointing at the help page; the nearest command is suggested
    when one is mistyped."""

    def error(self, message: str) -> Any:
        match = _INVALID_CHOICE.search(message)
        if match is not None:
            import difflib

            choices = re.findall(r"'([^']*)'", match.group(2))
            close = difflib.get_close_matches(match.group(1), choices, n=1, cutoff=0.5)
            if close:
                message = f"unknown command {match.group(1)!r}; did you mean `{close[0]}`?"
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    """-v and -q after the command too, on every command and subcommand."""
    own = parser._option_string_actions
    if "-v" not in own:
        parser.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            default=argparse.SUPPRESS,
            help=argparse.SUPPRESS,
        )
    if "-q" not in own:
        names = ["-q"] if "--quiet" in own else ["-q", "--quiet"]
        parser.add_argument(
            *names,
            dest="quiet",
            action="store_true",
            default=argparse.SUPPRESS,
            help=argparse.SUPPRESS,
        )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_common_options(child)


def _modules_needed(argv: Sequence[str]) -> list[str] | None:
    """The `tracker.cli` modules whose commands `argv` can reach: none for `--version`,
    one for a built-in command, None (every one, plugins too) for help or anything else.
    Each module imported costs start-up, and finding plugins reads every installed
    package's metadata."""
    for arg in argv:
        if arg in ("-h", "--help"):
            return None
        if arg == "--version":
            return []
        if not arg.startswith("-"):
            return [COMMAND_MODULES[arg]] if arg in COMMAND_MODULES else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv` (default: every command, plugins included)."""
    parser = _Parser(
        prog="tracker",
        description="Keep article claims tied to the ClinicalTrials.gov studies that bear on them.",
        epilog=EXAMPLES,
        formatter_class=TerminalFormatter,
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also report retries and other details"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing but errors and results"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    needed = None if argv is None else _modules_needed(argv)
    for module in dict.fromkeys(COMMAND_MODULES.values()) if needed is None else needed:
        importlib.import_module(f"tracker.cli.{module}").register(commands)
    if needed is None:
        from importlib.metadata import entry_points

        for plugin in entry_points(group=COMMAND_PLUGINS):
            plugin.load()(commands)
    _add_common_options(parser)
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
    if args.verbose or getattr(args, "logs", True):
        _configure_logging(args)
    INTERRUPTS.install()
    status = _run(args)
    if INTERRUPTS.signum is not None and status != INTERRUPTS.exit_status:
        status = _interrupted()
    return status


def _configure_logging(args: argparse.Namespace) -> None:
    """Warnings (`-v`: details, `-q`: only errors) as `tracker: LEVEL: message` lines.

    Commands that log nothing (the read commands: `logs` off) skip this unless `-v` asks:
    importing `logging` is a tenth of what `tracker status` costs."""
    import logging

    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR if args.quiet else logging.WARNING,
        format="tracker: %(levelname)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def _run(args: argparse.Namespace) -> int:
    """The command, with its errors and interruptions turned into an exit status."""
    ctx: Context | None = None
    try:
        try:
            ctx = Context(load_settings() if getattr(args, "reads_settings", True) else Settings())
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
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """The reader went away (`tracker status | head -1`): that is not an error, and the
    interpreter must not complain about the unflushed rest at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
