"""The scheduler: cron triggers across DST, jobs that call the real sync and digest,
catch-up after a restart, and `tracker schedule` stopping cleanly on SIGTERM."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import Tracker
from scenarios import day_one, write_claims
from smtp_fixtures import Mailbox
from sqlalchemy import Engine, select

from db.engine import connect, transaction
from db.models import DigestDelivery, SyncRun
from jobs import tasks
from jobs.scheduler import job_specs, paused_scheduler, reconcile
from jobs.triggers import cron_trigger
from tracker.config import load_settings
from tracker.fake_registry import FakeCtgov, Fault

PARIS = ZoneInfo("Europe/Paris")


def _fire_times(expression: str, start: datetime, count: int) -> list[str]:
    trigger = cron_trigger(expression, PARIS, "TRACKER_SYNC_CRON")
    times, previous, now = [], None, start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        times.append(fire.astimezone(ZoneInfo("UTC")).astimezone(PARIS).isoformat())
        previous = now = fire
    return times


def test_nightly_run_happens_once_a_night_when_clocks_go_forward() -> None:
    assert _fire_times("30 2 * * *", datetime(2026, 3, 27, 12, tzinfo=PARIS), 3) == [
        "2026-03-28T02:30:00+01:00",
        "2026-03-29T03:30:00+02:00",
        "2026-03-30T02:30:00+02:00",
    ]


def test_nightly_run_happens_once_a_night_when_clocks_go_back() -> None:
    assert _fire_times("30 2 * * *", datetime(2026, 10, 23, 12, tzinfo=PARIS), 3) == [
        "2026-10-24T02:30:00+02:00",
        "2026-10-25T02:30:00+02:00",
        "2026-10-26T02:30:00+01:00",
    ]


def test_weekly_digest_stays_at_seven_local_across_dst() -> None:
    assert _fire_times("0 7 * * mon", datetime(2026, 3, 20, tzinfo=PARIS), 2) == [
        "2026-03-23T07:00:00+01:00",
        "2026-03-30T07:00:00+02:00",
    ]


@pytest.mark.parametrize(("weekday", "day"), [("1", "Monday"), ("0", "Sunday"), ("7", "Sunday")])
def test_weekday_numbers_mean_what_they_mean_in_crontab(weekday: str, day: str) -> None:
    [fire] = _fire_times(f"0 7 * * {weekday}", datetime(2026, 11, 23, 12, tzinfo=PARIS), 1)
    assert datetime.fromisoformat(fire).strftime("%A") == day


def test_list_prints_each_job_its_trigger_and_next_run(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("TRACKER_DIGEST_CRON", "15 8 * * 1")
    jobs = json.loads(tracker("schedule", "--list", "--format", "json").out)
    assert [(j["id"], j["trigger"]) for j in jobs] == [
        ("nightly-sync", "cron 30 2 * * * (Europe/Paris)"),
        ("weekly-digest", "cron 15 8 * * 1 (Europe/Paris)"),
    ]
    nightly, weekly = (datetime.fromisoformat(j["next_run_time"]) for j in jobs)
    assert (nightly.hour, nightly.minute) == (2, 30)
    assert (weekly.strftime("%A"), weekly.hour, weekly.minute) == ("Monday", 8, 15)
    assert 0 < (nightly - datetime.now(PARIS)).total_seconds() <= 24 * 3600
    table = tracker("schedule", "--list").out.splitlines()
    assert table[0].split() == ["id", "trigger", "next", "run", "time"]


@pytest.mark.parametrize("variable", ["TRACKER_SYNC_CRON", "TRACKER_DIGEST_CRON"])
def test_bad_cron_expression_exits_2_naming_the_variable(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "every night")
    result = tracker("schedule", "--list")
    assert result.status == 2
    assert result.err.startswith(
        f"tracker: error: {variable}: 'every night' is not a cron expression"
    )


def _runs(url: str) -> list[tuple[str, int]]:
    engine = connect(url)
    with transaction(engine) as session:
        runs = [
            (r.outcome, r.claims_synced)
            for r in session.scalars(select(SyncRun).order_by(SyncRun.id))
        ]
    engine.dispose()
    return runs


@pytest.fixture
def synced_world(tracker: Tracker, registry: FakeCtgov, tmp_path: Path) -> FakeCtgov:
    """Claims loaded, the registry on its first day, the environment pointing at both."""
    assert tracker("claims", "load", str(write_claims(tmp_path))).status == 0
    day_one(registry)
    return registry


def test_nightly_job_runs_the_real_sync(synced_world: FakeCtgov, database_url: str) -> None:
    tasks.nightly_sync()
    assert _runs(database_url) == [("succeeded", 3)]


def test_a_failing_job_is_logged_and_returns(
    synced_world: FakeCtgov, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    synced_world.inject(Fault.unavailable(retry_after=0, path="/studies"), times=15)
    with caplog.at_level(logging.WARNING, logger="jobs.tasks"):
        tasks.nightly_sync()
    assert _runs(database_url) == [("failed", 0)]
    failures = [r.getMessage() for r in caplog.records if r.name == "jobs.tasks"]
    assert len(failures) == 3
    assert failures[0].startswith(
        "nightly sync: claim liver-msc failed: no usable answer after 5 attempts"
    )


def test_weekly_job_writes_sends_and_records_the_digest_once(
    synced_world: FakeCtgov, database_url: str, plain_smtp: Mailbox, tmp_path: Path
) -> None:
    tasks.nightly_sync()
    tasks.weekly_digest()
    tasks.weekly_digest()
    [message] = plain_smtp.messages
    week = message["Subject"].split()[2].rstrip(":")
    assert (tmp_path / "digests" / f"{week}.md").exists()
    engine = connect(database_url)
    with transaction(engine) as session:
        assert [d.week for d in session.scalars(select(DigestDelivery))] == [week]
    engine.dispose()


def test_missed_runs_while_down_catch_up_once_after_a_restart(
    synced_world: FakeCtgov, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_SYNC_CRON", "* * * * *")
    settings = load_settings()
    engine: Engine = connect(database_url)
    specs = job_specs(settings)
    with paused_scheduler(engine, settings) as scheduler:
        reconcile(scheduler, specs)
        three_days_ago = datetime.now(settings.zone) - timedelta(days=3)
        scheduler.modify_job("nightly-sync", next_run_time=three_days_ago)
    with paused_scheduler(engine, settings) as scheduler:
        reconcile(scheduler, specs)
        pending = scheduler.get_job("nightly-sync").next_run_time
        assert abs(pending - three_days_ago) < timedelta(seconds=1)
        scheduler.resume()
        deadline = time.monotonic() + 20
        while not _runs(database_url) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert scheduler.get_job("nightly-sync").next_run_time > datetime.now(settings.zone)
    engine.dispose()
    assert _runs(database_url) == [("succeeded", 3)]


def _spawn_scheduler(database_url: str, registry: FakeCtgov, *args: str) -> subprocess.Popen[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "TRACKER_DATABASE_URL": database_url,
        "CTGOV_API_URL": registry.url,
        "TRACKER_RATE_LIMIT": "0",
        "TRACKER_SYNC_CRON": "* * * * * *",
        "TRACKER_TIMEZONE": "UTC",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "schedule", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(check: object, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not check():  # type: ignore[operator]
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the scheduler never got there"
        time.sleep(0.05)


def test_schedule_runs_a_sync_each_second_and_stops_cleanly_on_sigterm(
    synced_world: FakeCtgov, database_url: str
) -> None:
    process = _spawn_scheduler(database_url, synced_world)
    _wait_until(lambda: len(_runs(database_url)) >= 2, process)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "SIGTERM received" in err
    assert err.rstrip().endswith("scheduler stopped")
    runs = _runs(database_url)
    assert runs[0] == ("succeeded", 3)
    assert all(outcome in ("succeeded", "interrupted") for outcome, _ in runs)


def test_sigterm_during_a_sync_lets_the_claim_in_hand_finish_then_stops(
    synced_world: FakeCtgov, database_url: str
) -> None:
    synced_world.inject(Fault.slow(0, path="/studies"))
    synced_world.inject(Fault.slow(1.5, path="/studies"))
    process = _spawn_scheduler(database_url, synced_world)
    _wait_until(lambda: sum(p == "/studies" for p, _ in synced_world.requests) >= 2, process)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert _runs(database_url) == [("interrupted", 2)]


def test_a_second_scheduler_on_the_same_database_is_refused(
    synced_world: FakeCtgov, database_url: str, tracker: Tracker
) -> None:
    process = _spawn_scheduler(database_url, synced_world)
    _wait_until(lambda: len(_runs(database_url)) >= 1, process)
    second = tracker("schedule")
    assert second.status == 1
    assert "tracker: error: another scheduler is running against " in second.err
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=20)
    assert process.returncode == 0
