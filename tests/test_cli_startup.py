"""`tracker` starts fast: building the command line imports no command's heavy library."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import tracker

DEFERRED = ("alembic", "requests", "jinja2", "apscheduler", "claims.draft", "tracker.sync")


def test_start_up_leaves_each_commands_heavy_imports_for_its_command() -> None:
    probe = (
        "import sys\n"
        "from tracker.cli import build_parser\n"
        "parser = build_parser()\n"
        "assert 'schedule' in parser.format_help()\n"
        f"print(','.join(name for name in {DEFERRED!r} if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


READS = (["status"], ["flags"], ["trials", "msc-regenerate-liver-tissue-hcc"])
"""The read commands, which answer through `db.reader` on a database at head."""


def _loaded_database(tmp_path: Path) -> dict[str, str]:
    """The environment of a database with the built-in claims loaded, at head."""
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}"}
    loading = [sys.executable, "-m", "tracker", "claims", "load", "--quiet"]
    subprocess.run(loading, env=env, check=True, capture_output=True)
    return env


def _loading(argv: list[str], names: tuple[str, ...], env: dict[str, str]) -> tuple[int, str]:
    """The exit status of `tracker ARGV` and which of `names` it left imported."""
    probe = (
        "import sys\n"
        "from tracker.cli import main\n"
        "status = main(sys.argv[1:])\n"
        f"print('loaded:' + ','.join(name for name in {names!r} if name in sys.modules))\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=env
    )
    return result.returncode, result.stdout.strip().rpartition("loaded:")[2]


def test_read_commands_on_a_current_database_load_no_sqlalchemy(tmp_path: Path) -> None:
    env = _loaded_database(tmp_path)
    loaded = ("sqlalchemy", "db.models", "db.engine", "yaml", "claims.load", "logging")
    for argv in READS:
        assert _loading(argv, loaded, env) == (0, ""), argv


def _modules_loaded_by(argv: list[str], names: tuple[str, ...]) -> list[str]:
    probe = (
        "import sys\n"
        "from tracker.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        f"print(','.join(name for name in {names!r} if name in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip(), "the command printed nothing"
    return [name for name in result.stderr.strip().split(",") if name]


def test_version_and_help_answer_without_the_database_stack() -> None:
    stack = ("sqlalchemy", "db.engine", "db.views", "tracker.compose")
    for argv in (["--version"], ["--help"], ["status", "--help"]):
        assert _modules_loaded_by(argv, stack) == [], argv


def test_version_reads_no_package_metadata_and_agrees_with_it() -> None:
    assert _modules_loaded_by(["--version"], ("importlib.metadata", "tracker.cli.sync")) == []
    assert tracker.__version__ == version("claim-trial-tracker")


def test_the_digest_does_not_load_the_registry_client(tmp_path: Path) -> None:
    env = _loaded_database(tmp_path)
    digest = ["digest", "--week", "2026-W48", "--out", str(tmp_path / "digest.md")]
    loaded = ("requests", "tracker.ctgov.client", "tracker.sync.claim", "msgspec")
    assert _loading(digest, loaded, env) == (0, "")
    assert (tmp_path / "digest.md").read_text().startswith("#")
