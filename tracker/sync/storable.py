"""A study row bounded to what both SQLite and PostgreSQL store, or refused field by field.

Text is cleaned: NUL characters are dropped and lone surrogates become U+FFFD, at any
depth of the JSON columns, since neither database stores them. A value that cleaning
cannot make fit (a code longer than its column, a count beyond a 32-bit integer) makes
the row `Unstorable`, naming the field: the sync skips that study and warns.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

CODE_COLUMNS = (
    "overall_status",
    "last_known_status",
    "study_type",
    "enrollment_type",
    "start_date_type",
    "primary_completion_date_type",
    "completion_date_type",
)
CODE_LENGTH = 40
"""The width of the `studies` code columns (`db.models.CODE`)."""

INTEGER_COLUMNS = ("enrollment",)
INTEGER_RANGE = range(-(2**31), 2**31)
"""What an `INTEGER` column holds on PostgreSQL (SQLite holds more)."""

MAX_ERROR_LENGTH = 500
"""How much of an error's text a run record keeps and a message prints."""

_UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")


class Unstorable(ValueError):
    """A field of a study row holds a value no column of ours can store."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field {field}: {problem}")
        self.field, self.problem = field, problem


def clean_text(text: str) -> str:
    """`text` without NUL and with each lone surrogate replaced by U+FFFD."""
    if not _UNSTORABLE_TEXT.search(text):
        return text
    return _UNSTORABLE_TEXT.sub(lambda match: "" if match.group(0) == "\x00" else "\ufffd", text)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(str(key)): _cleaned(item) for key, item in value.items()}
    return value


def _already_clean(row: dict[str, Any]) -> bool:
    """Whether no text of the row needs cleaning, told from one orjson encoding: it refuses
    lone surrogates and escapes NUL as `\\u0000` (whose six characters, rarely written out,
    only send a row the slow way). Walking every string instead took a quarter of a sync."""
    try:
        return b"\\u0000" not in orjson.dumps(row)
    except orjson.JSONEncodeError:
        return False


def storable(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its text cleaned; `Unstorable` if a value still does not fit."""
    if _already_clean(row):
        clean = row
    else:
        clean = {column: _cleaned(value) for column, value in row.items()}
    for column in CODE_COLUMNS:
        value = clean.get(column)
        if value is not None and len(value) > CODE_LENGTH:
            raise Unstorable(column, f"{len(value)} characters, more than {CODE_LENGTH}")
    for column in INTEGER_COLUMNS:
        value = clean.get(column)
        if value is not None and value not in INTEGER_RANGE:
            raise Unstorable(column, f"{shown(str(value), 40)} is beyond a 32-bit integer")
    return clean


def shown(text: str, limit: int = MAX_ERROR_LENGTH) -> str:
    """One line of at most `limit` characters, for a message or a run record."""
    line = " ".join(clean_text(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
