"""Where digests are written: `digests/<week>.<ext>` unless told otherwise."""

from __future__ import annotations

from pathlib import Path

from tracker.digest.week import IsoWeek
from tracker.errors import UsageError

DIGEST_FOLDER = Path("digests")


def default_path(week: IsoWeek, fmt: str) -> Path:
    return DIGEST_FOLDER / f"{week}.{fmt}"


def save(text: str, path: Path) -> Path:
    """Write a digest, making its folder; an unwritable path is one clear error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
