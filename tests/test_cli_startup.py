"""`tracker` starts fast: building the command line imports no command's heavy library."""

from __future__ import annotations

import subprocess
import sys

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
