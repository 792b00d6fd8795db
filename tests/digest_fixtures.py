"""A week of changes (2026-W48), built through real syncs against the fake registry.

The first sync runs in the week before (W47), so its links and flags must stay out of
the W48 digest. A fourth claim finds nothing and is the claim without changes. One title
carries markup, to prove it is escaped wherever the digest goes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ctgov_builders import make_study, nct
from scenarios import CLAIMS, LIVER, day_one, day_three, day_two, write_claims

from db.engine import connect
from tracker.ctgov import CtgovClient
from tracker.fake_registry import FakeCtgov
from tracker.sync import sync

UNCHANGED_CLAIM = """\
  - id: quiet-claim
    text: "Nothing ever happens to this claim."
    as_of: 2026-11-21
    topic:
      conditions: ["omega syndrome"]
"""
MARKUP_TITLE = "<script>alert('x')</script> & MSC *for* [HCC]"


def sync_at(database_url: str, registry: FakeCtgov, moment: datetime) -> None:
    """A sync as if run at `moment`."""
    engine = connect(database_url)
    with CtgovClient(registry.url, rate_limit=None) as client:
        report = sync(engine, client, clock=lambda: moment)
    engine.dispose()
    assert not report.failed, report.failed


@pytest.fixture
def digest_week(
    tracker: Any,
    registry: FakeCtgov,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Any]:
    """The `tracker` runner on a database holding changes in W47 and W48, in UTC."""
    monkeypatch.setenv("TRACKER_TIMEZONE", "UTC")
    assert (
        tracker("claims", "load", str(write_claims(tmp_path, CLAIMS + UNCHANGED_CLAIM))).status == 0
    )
    day_one(registry)
    sync_at(database_url, registry, datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    day_two(registry)
    registry.put_study(make_study(nct(6), **LIVER, title=MARKUP_TITLE, first_posted="2026-11-25"))
    sync_at(database_url, registry, datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    day_three(registry)
    sync_at(database_url, registry, datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    return tracker
