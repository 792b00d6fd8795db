"""Rendering listings as a table (for people), JSON (one document) or CSV.

`json` and `csv` are imported by the format that needs them: this module is on every read
command's start-up, and most print a table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from itertools import repeat
from typing import Any, Literal, TextIO

from tracker.cli.safe_text import for_spreadsheet, for_terminal
from tracker.config import terminal_columns

Format = Literal["table", "wide", "json", "csv"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv")
MAX_CELL = 60
MIN_COLUMN = 8
"""A column of text shrinks no narrower than this or its header, whichever is wider."""
RIGID = 20
"""A column whose values are all at most this long (codes, ids, dates, counts) never shrinks."""
GAP = 2


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(document: Any, out: TextIO) -> None:
    import json

    json.dump(document, out, indent=2, ensure_ascii=False, default=_json_default)
    out.write("\n")


_PLAIN = (str, int, float, type(None), date, list, tuple)
"""Values that are no mapping: checked first, as a mapping check costs several times more
and listings of thousands of rows make tens of thousands of them."""


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings become dotted keys: {"a": {"b": 1}} → {"a.b": 1}."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, _PLAIN) or not isinstance(value, Mapping):
            flat[f"{prefix}{key}"] = value
        else:
            flat.update(flatten(value, f"{prefix}{key}."))
    return flat


_MISSING = object()


def _columns(rows: Sequence[Mapping[str, Any]], fields: Sequence[str]) -> list[list[Any]]:
    """Each of `fields` as a column of the rows' values, as `flatten` names them; rows are
    flattened only when a field is missing or holds a mapping. Column by column: a listing
    of flags has hundreds of thousands of rows."""
    columns = [[row.get(field, _MISSING) for row in rows] for field in fields]
    if all(
        _MISSING not in column and all(map(isinstance, column, repeat(_PLAIN)))
        for column in columns
    ):
        return columns
    flat = [flatten(row) for row in rows]
    return [[record.get(field) for record in flat] for field in fields]


def cell(value: Any, separator: str = ", ") -> str:
    """One value as text: lists joined, dates in ISO form, booleans as yes/no."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        try:
            return separator.join(value)
        except TypeError:
            return separator.join(cell(item, separator) for item in value)
    return str(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def terminal_width() -> int:
    """`COLUMNS`, else the terminal's width, else 80."""
    return terminal_columns(80)


def fit_widths(natural: Sequence[int], minimum: Sequence[int], width: int) -> list[int] | None:
    """Column widths that fit `width`, or None when even the minimums do not. The widest
    column that can still give way shrinks first; among equals the later one (tables list
    their columns most important first). The first column, which names the row (a claim
    id, an NCT id), gives way only when no other column can."""
    widths = list(natural)
    excess = sum(widths) + GAP * (len(widths) - 1) - width
    while excess > 0:
        able = [i for i in range(len(widths)) if widths[i] > minimum[i]]
        able = [i for i in able if i > 0] or able
        if not able:
            return None
        widest = max(able, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        excess -= 1
    return widths


def _write_records(
    headers: Sequence[str], columns: list[list[str]], out: TextIO, width: int
) -> None:
    """One vertical record per row, as `psql \\x` prints them, from the table's columns:
    each record one `str.format` of its values, cut and stripped column by column (a
    listing of flags has hundreds of thousands of rows). An empty value leaves its line
    ending at the bar, as a stripped line would."""
    label = max(len(header) for header in headers)
    room = max(width - label - 3, MIN_COLUMN)
    cut = [
        list(map(str.rstrip, (text if len(text) <= room else _clip(text, room) for text in c)))
        for c in columns
    ]
    lines = ["{}"]
    for index, header in enumerate(headers):
        name = header.ljust(label).replace("{", "{{").replace("}", "}}")
        if "" in cut[index]:
            cut[index] = [" " + text if text else "" for text in cut[index]]
            lines.append(f"{name} |{{}}")
        else:
            lines.append(f"{name} | {{}}")
    record = "\n".join(lines) + "\n"
    rule = "-" * width
    numbers = (f"-[ RECORD {n} ]{rule}"[:width] for n in range(1, len(columns[0]) + 1))
    out.write("".join(map(record.format, numbers, *cut)))


_AS_STR = frozenset({str, int, float})
"""Types whose `cell` is `str(value)` (bool is not among them: it reads yes/no)."""
_TEXT_OR_NONE = frozenset({str, type(None)})
_STR = frozenset({str})


def _column_texts(values: Sequence[Any], clip: bool) -> list[str]:
    """One column's values as safe text, cut at `MAX_CELL` when `clip`. Column by column,
    so that a column of printable text (nearly every one) is checked in one call."""
    kinds = set(map(type, values))
    if kinds == _STR:
        texts = values if isinstance(values, list) else list(values)
    elif kinds <= _AS_STR:
        texts = list(map(str, values))
    elif kinds <= _TEXT_OR_NONE:
        texts = ["" if value is None else value for value in values]
    else:
        texts = [cell(value) for value in values]
    if not "".join(texts).isprintable():
        texts = [for_terminal(text) for text in texts]
    if clip and max(map(len, texts), default=0) > MAX_CELL:
        texts = [text if len(text) <= MAX_CELL else _clip(text, MAX_CELL) for text in texts]
    return texts


def write_table(
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    out: TextIO,
    *,
    width: int | None = None,
    wide: bool = False,
) -> None:
    """Columns that fit `width` (default: the terminal's): the last columns shrink first,
    long text is cut with "…", and when even that does not fit each row becomes a vertical
    record. `wide` shows every value whole."""
    write_columns(_columns(rows, fields), fields, out, width=width, wide=wide)


def write_columns(
    values: Sequence[Sequence[Any]],
    fields: Sequence[str],
    out: TextIO,
    *,
    width: int | None = None,
    wide: bool = False,
) -> None:
    """`write_table` of rows given as columns, one per field (a long listing read by
    column need never become one mapping per row)."""
    if not values or not values[0]:
        out.write("(none)\n")
        return
    headers = [field.replace("_", " ") for field in fields]
    columns = [_column_texts(column, not wide) for column in values]
    longest = [max(map(len, column)) for column in columns]
    natural = [max(len(h), n) for h, n in zip(headers, longest, strict=True)]
    widths: list[int] | None = natural
    if not wide:
        width = terminal_width() if width is None else width
        minimum = [
            n if most <= RIGID else min(n, max(len(h), MIN_COLUMN))
            for n, h, most in zip(natural, headers, longest, strict=True)
        ]
        widths = fit_widths(natural, minimum, width)
        if widths is None:
            _write_records(headers, columns, out, width)
            return
    cut = [
        column if most <= size else [_clip(text, size) for text in column]
        for column, most, size in zip(columns, longest, widths, strict=True)
    ]
    line = "  ".join(f"{{:<{size}}}" for size in widths)
    heading = [_clip(h, size) for h, size in zip(headers, widths, strict=True)]
    lines = [line.format(*heading).rstrip()]
    lines += [line.format(*texts).rstrip() for texts in zip(*cut, strict=True)]
    out.write("\n".join(lines) + "\n")


def write_csv(rows: Iterable[Mapping[str, Any]], fields: Sequence[str], out: TextIO) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        flat = flatten(row)
        writer.writerow(
            [for_spreadsheet(flat.get(field), cell(flat.get(field), "; ")) for field in fields]
        )


def emit(
    records: Sequence[Mapping[str, Any]],
    fmt: Format,
    out: TextIO,
    *,
    fields: Sequence[str],
    table: Sequence[str] | None = None,
) -> None:
    """Write a listing: JSON gets whole records, CSV `fields`, the table `table` or `fields`.

    Nested mappings are flattened to dotted field names for CSV and the table.
    """
    if fmt == "json":
        write_json(list(records), out)
    elif fmt == "csv":
        write_csv(records, fields, out)
    else:
        write_table(records, table or fields, out, wide=fmt == "wide")


def add_format_option(parser: Any, choices: Sequence[str] = FORMATS) -> None:
    """`--format`, and `--wide` where the format is a table (the format becomes "wide")."""
    parser.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help=f"output format (default {choices[0]})",
    )
    if "table" in choices:
        parser.add_argument(
            "--wide",
            dest="format",
            action="store_const",
            const="wide",
            help="a table with every column and value whole, however wide",
        )


def write_fields(
    pairs: Sequence[tuple[str, Any]], out: TextIO, *, width: int | None = None, wide: bool = False
) -> None:
    """A record for people: one `label  value` line per field, cut to the terminal."""
    label = max(len(name) for name, _ in pairs)
    room = max((terminal_width() if width is None else width) - label - GAP, MIN_COLUMN)
    for name, value in pairs:
        text = for_terminal(cell(value))
        text = text if wide else _clip(text, room)
        out.write(f"{name.ljust(label)}  {text}\n")
