"""The code base stays ruff-clean and keeps its rooms apart: lint is part of the test command."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAKE = "tracker.fake_registry"
PRODUCT = ("tracker", "claims", "db", "jobs")
OFFLINE_DEMO = ("tracker/demo", "tracker/cli/demo.py")
"""`tracker demo` serves shipped records from the fake: the one product room that may."""


def test_ruff_finds_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_only_the_fake_registry_and_the_demo_import_the_fake_registry() -> None:
    allowed = [ROOT / Path(*FAKE.split(".")), *(ROOT / room for room in OFFLINE_DEMO)]
    offenders = [
        str(path.relative_to(ROOT))
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if not any(path == room or path.is_relative_to(room) for room in allowed)
        and any(name == FAKE or name.startswith(f"{FAKE}.") for name in _imported_modules(path))
    ]
    assert offenders == []
