"""`tracker` starts fast: building the command line imports no command's heavy library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_status_loads_no_orm_models_and_no_claim_files_reader(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from tracker.cli import main\n"
        "assert main(['status']) == 0\n"
        "loaded = ('sqlalchemy.orm', 'db.models', 'yaml', 'claims.load')\n"
        "print(','.join(name for name in loaded if name in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}"}
    subprocess.run([sys.executable, "-m", "tracker", "db", "upgrade"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert result.stderr.strip() == ""


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
