"""Every command, given hostile arguments or a hostile environment, ends in at most a
line or two on stderr and a non-zero exit: never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hostile import LAUGHS

from tracker.cli import build_parser, main
from tracker.fake_registry import FakeCtgov

HOSTILE_ARGUMENTS = {
    "db": [("TRACKER_DATABASE_URL=sqlite:///future.db", "db", "upgrade")],
    "claims": [
        ("claims", "load", "missing.yaml"),
        ("claims", "load", "."),
        ("claims", "load", "binary.yaml"),
        ("claims", "load", "laughs.yaml"),
        ("claims", "show", "x" * 10_000),
        ("claims", "show", "\x1b[2J"),
        ("claims", "draft", "missing.txt"),
        ("claims", "draft", "binary.yaml", "--id", "Not An Id"),
        ("claims", "list", "--format", "xml"),
    ],
    "sync": [("sync", "--claim", "nope"), ("sync", "--claim", "")],
    "status": [("status", "--claim", "nope"), ("status", "--format", "pdf")],
    "flags": [
        ("flags", "--claim", "nope"),
        ("flags", "ack", "--flag", "99999999999999999999"),
        ("flags", "ack", "--flag", "2147483648"),
        ("flags", "ack", "--flag", "-1"),
        ("flags", "ack", "--flag", "abc"),
        ("flags", "ack"),
        ("flags", "ack", "nope"),
    ],
    "digest": [
        ("digest", "--week", "9999-W52"),
        ("digest", "--week", "0000-W01"),
        ("digest", "--week", "2026-W99"),
        ("digest", "--week", "2026-W48", "--out", "binary.yaml/x.md"),
        ("digest", "--week", "2026-W48", "--out", "."),
        ("digest", "--week", "2026-W48", "--send"),
        ("digest", "--force"),
    ],
    "fake-ctgov": [
        ("fake-ctgov", "missing"),
        ("fake-ctgov", "not-json"),
        ("fake-ctgov", "not-a-study"),
        ("fake-ctgov", "studies", "--port", "70000"),
        ("fake-ctgov", "studies", "--port", "busy"),
    ],
    "schedule": [("schedule", "--list", "--format", "nope")],
    "trials": [
        ("trials", "nope"),
        ("trials", "\x1b[2J", "--tier", "direct"),
        ("trials", "nope", "--tier", "sideways"),
    ],
    "screen": [
        ("screen", "nope", "NCT00000001", "--include"),
        ("screen", "nope", "NCT00000001"),
        ("screen", "nope", "x" * 10_000, "--exclude", "--note", "\x00"),
    ],
    "demo": [("demo", "--dir", "binary.yaml")],
    "config": [("config", "--format", "xml")],
    "serve": [
        ("serve", "--port", "70000"),
        ("serve", "--port", "many"),
        ("serve", "--host", "0.0.0.0"),
    ],
}
HOSTILE_ENVIRONMENTS = [
    {"TRACKER_RATE_LIMIT": "1e-300"},
    {"TRACKER_RATE_LIMIT": "nan"},
    {"TRACKER_RATE_LIMIT": "-1"},
    {"CTGOV_API_URL": "http://[::1"},
    {"CTGOV_API_URL": "ftp://example.org"},
    {"TRACKER_DATABASE_URL": "postgresql+psycopg://u:pw-SECRET@host:port/db"},
    {"TRACKER_DATABASE_URL": "nosuchdialect://x"},
    {"TRACKER_DATABASE_URL": "sqlite:///missing/dir/tracker.db"},
    {"TRACKER_DATABASE_URL": "sqlite:///binary.yaml"},
    {"TRACKER_DATABASE_URL": "sqlite:///file:ro.db?mode=ro&uri=true"},
    {"TRACKER_TIMEZONE": "Mars/Olympus_Mons"},
    {"TRACKER_SMTP_PORT": "99999"},
    {"TRACKER_SYNC_CRON": "every night"},
    {"TRACKER_CONFIG": "missing.toml"},
    {"TRACKER_CONFIG": "bad.toml"},
]
EVERY_COMMAND = [
    ("db", "upgrade"),
    ("claims", "list"),
    ("sync",),
    ("status",),
    ("flags",),
    ("flags", "ack", "--all"),
    ("digest", "--week", "2026-W48", "--out", "-"),
    ("schedule", "--list"),
    ("trials", "nope"),
    ("config",),
]


@pytest.fixture
def hostile_folder(tmp_path: Path, fake_ctgov: FakeCtgov, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory full of traps, and a registry that answers."""
    (tmp_path / "binary.yaml").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "laughs.yaml").write_text(LAUGHS)
    (tmp_path / "bad.toml").write_text("database_url = [\n")
    for name, content in (("not-json", "{bad"), ("not-a-study", json.dumps({"x": 1}))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.json").write_text(content)
    (tmp_path / "studies").mkdir()
    future = sqlite3.connect(tmp_path / "future.db")
    future.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    future.execute("INSERT INTO alembic_version VALUES ('9999')")
    future.commit()
    future.close()
    monkeypatch.setenv("CTGOV_API_URL", fake_ctgov.url)
    monkeypatch.setenv("TRACKER_RATE_LIMIT", "0")
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'ro.db'}")
    assert main(["claims", "load"]) == 0
    monkeypatch.delenv("TRACKER_DATABASE_URL")
    assert main(["claims", "load"]) == 0
    return tmp_path


def _port(fake: FakeCtgov) -> int:
    return urlsplit(fake.url).port or 0


def _run(args: tuple[str, ...], capsys: pytest.CaptureFixture[str], port: int) -> tuple[int, str]:
    args = tuple(str(port) if arg == "busy" else arg for arg in args)
    if args[0].startswith("TRACKER_"):
        name, _, value = args[0].partition("=")
        args = args[1:]
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setenv(name, value)
            return _run(args, capsys, port)
    try:
        status = main(list(args))
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, capsys.readouterr().err


def _check(status: int, err: str) -> None:
    assert status in (1, 2), err
    assert "Traceback" not in err
    assert 1 <= len(err.splitlines()) <= 3, err
    assert "SECRET" not in err


def test_the_table_names_every_command() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(HOSTILE_ARGUMENTS) == set(commands)


@pytest.mark.parametrize(
    "args", [args for cases in HOSTILE_ARGUMENTS.values() for args in cases], ids=repr
)
def test_hostile_arguments_end_in_one_line(
    args: tuple[str, ...],
    hostile_folder: Path,
    fake_ctgov: FakeCtgov,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _check(*_run(args, capsys, _port(fake_ctgov)))


@pytest.mark.parametrize("environment", HOSTILE_ENVIRONMENTS, ids=repr)
def test_a_hostile_environment_ends_every_command_in_one_line(
    environment: dict[str, str],
    hostile_folder: Path,
    fake_ctgov: FakeCtgov,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for args in EVERY_COMMAND:
        status, err = _run(args, capsys, _port(fake_ctgov))
        assert "Traceback" not in err
        if status != 0:
            _check(status, err)
