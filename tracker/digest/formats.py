"""The digest's output formats."""

from __future__ import annotations

from typing import Literal

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")
