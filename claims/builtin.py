"""The built-in catalog: one claim file per article, shipped inside this package."""

from __future__ import annotations

from pathlib import Path

CATALOG_DIR = Path(__file__).parent / "catalog"
SOURCE_PREFIX = "builtin:"


def builtin_files() -> list[tuple[Path, str]]:
    """The built-in claim files as (path, source name) pairs, in a stable order."""
    return [(path, SOURCE_PREFIX + path.name) for path in sorted(CATALOG_DIR.glob("*.yaml"))]
