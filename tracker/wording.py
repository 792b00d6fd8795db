"""Small helpers for text shown to people."""

from __future__ import annotations


def plural(number: int, one: str, many: str | None = None) -> str:
    """`plural(1, "flag")` → "1 flag"; `plural(2, "study", "studies")` → "2 studies"."""
    return f"{number} {one if number == 1 else many or one + 's'}"
