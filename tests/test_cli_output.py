"""Tables read by people: vertical records when the columns do not fit, exactly as a
stripped `label | value` per line, whatever the values hold."""

from __future__ import annotations

import io

from tracker.cli.output import write_columns, write_table

ROWS = [
    {"id": 1, "claim_id": "a-claim-with-a-long-id", "note": "", "title": "Trial {one} ", "n": 2.5},
    {"id": 22, "claim_id": "b", "note": "seen |", "title": "x" * 90, "n": None},
]


def _by_line(rows: list[dict[str, object]], width: int) -> str:
    """The definition: each record's lines as `label | value`, stripped at the end."""
    fields = list(rows[0])
    headers = [field.replace("_", " ") for field in fields]
    label = max(len(header) for header in headers)
    room = max(width - label - 3, 8)
    lines = []
    for number, row in enumerate(rows, 1):
        lines.append((f"-[ RECORD {number} ]" + "-" * width)[:width])
        for field, header in zip(fields, headers, strict=True):
            value = row[field]
            text = "" if value is None else str(value)
            text = text if len(text) <= 60 else text[:59] + "…"
            text = text if len(text) <= room else text[: room - 1] + "…"
            lines.append(f"{header.ljust(label)} | {text}".rstrip())
    return "\n".join(lines) + "\n"


def test_records_are_each_value_on_its_own_stripped_line() -> None:
    out = io.StringIO()
    write_table(ROWS, list(ROWS[0]), out, width=30)
    assert out.getvalue() == _by_line(ROWS, 30)
    assert "note     |\n" in out.getvalue()
    assert "title    | Trial {one}\n" in out.getvalue()


def test_columns_print_the_same_table_as_their_rows() -> None:
    fields = list(ROWS[0])
    columns = [[row[field] for row in ROWS] for field in fields]
    for width, wide in ((30, False), (200, False), (30, True)):
        by_rows, by_columns = io.StringIO(), io.StringIO()
        write_table(ROWS, fields, by_rows, width=width, wide=wide)
        write_columns(columns, fields, by_columns, width=width, wide=wide)
        assert by_columns.getvalue() == by_rows.getvalue()
    empty = io.StringIO()
    write_columns([[] for _ in fields], fields, empty, width=30)
    assert empty.getvalue() == "(none)\n"
