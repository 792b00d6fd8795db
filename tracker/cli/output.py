"""Rendering listings as a table (for people), JSON (one document) or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal, TextIO

from tracker.cli.safe_text import for_spreadsheet, for_terminal

Format = Literal["table", "json", "csv"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv")
MAX_CELL = 60


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(document: Any, out: TextIO) -> None:
    json.dump(document, out, indent=2, ensure_ascii=False, default=_json_default)
    out.write("\n")


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings become dotted keys: {"a": {"b": 1}} → {"a.b": 1}."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def cell(value: Any, separator: str = ", ") -> str:
    """One value as text: lists joined, dates in ISO form, booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return separator.join(cell(item, separator) for item in value)
    return str(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def write_table(rows: Sequence[Mapping[str, Any]], fields: Sequence[str], out: TextIO) -> None:
    if not rows:
        out.write("(none)\n")
        return
    headers = [field.replace("_", " ") for field in fields]
    flat = [flatten(row) for row in rows]
    body = [
        [_clip(for_terminal(cell(row.get(field))), MAX_CELL) for field in fields] for row in flat
    ]
    widths = [max(len(text) for text in column) for column in zip(headers, *body, strict=True)]
    for line in [headers, *body]:
        out.write(
            "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        )
        out.write("\n")


def write_csv(rows: Iterable[Mapping[str, Any]], fields: Sequence[str], out: TextIO) -> None:
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
        write_table(records, table or fields, out)


def add_format_option(parser: Any, choices: Sequence[str] = FORMATS) -> None:
    parser.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help=f"output format (default {choices[0]})",
    )


def write_fields(pairs: Sequence[tuple[str, Any]], out: TextIO) -> None:
    """A record for people: one `label  value` line per field."""
    width = max(len(label) for label, _ in pairs)
    for label, value in pairs:
        out.write(f"{label.ljust(width)}  {for_terminal(cell(value))}\n")
