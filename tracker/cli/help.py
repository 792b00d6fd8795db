"""Help pages: every command says what it does, why, how to call it and what it reads."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence

from tracker.config import terminal_columns

HELP_WIDTH = 88


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=HELP_WIDTH, max_help_position=32)


class TerminalFormatter(argparse.RawDescriptionHelpFormatter):
    """`tracker --help` as wide as the terminal, measured as argparse would but without
    the `shutil` import argparse makes for it (every `add_argument` builds a formatter)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=terminal_columns() - 2)


def page(
    summary: str, paragraph: str, examples: Sequence[str], variables: Sequence[str] = ()
) -> dict[str, object]:
    """The keyword arguments of a parser whose help page has a description and examples."""
    body = textwrap.fill(" ".join(paragraph.split()), HELP_WIDTH)
    epilog = "examples:\n" + "\n".join(f"  {example}" for example in examples)
    if variables:
        epilog += "\n\nreads: " + ", ".join(variables) + " (and tracker.toml; see `tracker config`)"
    return {
        "help": summary,
        "description": f"{summary[0].upper()}{summary[1:]}.\n\n{body}",
        "epilog": epilog,
        "formatter_class": _Formatter,
    }


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    paragraph: str,
    examples: Sequence[str],
    variables: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """Add the command `name` with a full help page."""
    return commands.add_parser(name, **page(summary, paragraph, examples, variables))  # type: ignore[arg-type]


DATABASE = ("TRACKER_DATABASE_URL",)
SYNC = ("TRACKER_DATABASE_URL", "CTGOV_API_URL", "TRACKER_RATE_LIMIT", "TRACKER_TIMEZONE")
