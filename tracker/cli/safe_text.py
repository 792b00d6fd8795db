"""Text from the registry or a claim file made harmless for where a listing goes.

- A terminal: escape sequences (ANSI CSI and OSC, bare ESC) and control characters are
  dropped, line breaks and tabs become spaces, and Unicode's bidirectional overrides are
  removed, so a title can neither clear the screen nor reorder what follows it.
- A spreadsheet: a CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
  return is a formula to Excel, LibreOffice and Google Sheets; it gets a leading `'`,
  which they show as text. Numbers are left alone.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Escape sequences, line breaks and other controls; compiled on first use, as most
    text is printable and never needs them."""
    escape_sequence = re.compile(
        r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clearing
        r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
        r"|\x1b[@-_]?"  # any other escape
        r"|\x9b[0-?]*[ -/]*[@-~]"  # CSI in its one-byte C1 form
    )
    breaks = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]")
    controls = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
    return escape_sequence, breaks, controls


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def for_terminal(text: str) -> str:
    """`text` as one line with nothing a terminal would act on."""
    if text.isprintable():  # every character dropped or replaced below is unprintable
        return text
    escape_sequence, breaks, controls = _patterns()
    return controls.sub("", breaks.sub(" ", escape_sequence.sub("", text)))


def for_spreadsheet(value: Any, text: str) -> str:
    """The CSV text of `value`, with a leading `'` when a spreadsheet would run it."""
    if isinstance(value, int | float) or not text.startswith(FORMULA_STARTS):
        return text
    return "'" + text
