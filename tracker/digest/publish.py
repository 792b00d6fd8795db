"""Publishing a week's digest: build it, write it, and mail it once (recording the sending)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine

from db.engine import transaction
from db.enums import Severity
from tracker.config import Settings
from tracker.digest.build import build_digest
from tracker.digest.files import save
from tracker.digest.formats import Format
from tracker.digest.render import render
from tracker.digest.send import Mailer, send_digest
from tracker.digest.week import IsoWeek


@dataclass(frozen=True)
class Published:
    """What publishing did: the document, where it was written, to whom it was mailed."""

    document: dict[str, Any]
    path: Path | None
    recipients: tuple[str, ...]


def publish_digest(
    engine: Engine,
    settings: Settings,
    week: IsoWeek,
    now: datetime,
    *,
    fmt: Format,
    to: Path | TextIO,
    send: bool,
    force: bool = False,
    min_severity: str = Severity.MINOR,
    on_saved: Callable[[Path], None] | None = None,
) -> Published:
    """Write the digest of `week` to a file or stream `to`, then, with `send`, mail it
        unless that week was already sent (`force` sends again); `min_severity` leaves out the
    flags and changes below it. The mail settings are checked
        before any work; `on_saved` hears of the file before the mail goes."""
    mailer = Mailer.from_settings(settings) if send else None
    with transaction(engine) as session:
        document = build_digest(session, week, settings.zone, min_severity)
    text = render(document, fmt)
    path = None
    if isinstance(to, Path):
        path = save(text, to)
        if on_saved is not None:
            on_saved(path)
    else:
        to.write(text)
    if mailer is None:
        return Published(document, path, ())
    send_digest(engine, document, mailer, now, force=force)
    return Published(document, path, mailer.recipients)
