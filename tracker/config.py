"""Configuration, read once from the environment and an optional `tracker.toml`.

This is the only module that reads `os.environ`. Everything else receives a `Settings`.
The environment wins over the file. In `tracker.toml` a setting's key is its variable's
name in lower case without the `TRACKER_` prefix (`database_url`, `rate_limit`,
`ctgov_api_url`, ...); the file is looked up in the working directory unless
`TRACKER_CONFIG` names another path.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tzlocal

from tracker.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///tracker.db"
DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
DEFAULT_RATE_LIMIT = 40.0
"""Requests per minute: community guidance puts the public limit near 50 per IP."""

CONFIG_FILE_NAME = "tracker.toml"


@dataclass(frozen=True)
class Settings:
    """Every setting the tracker reads, with its default."""

    database_url: str = DEFAULT_DATABASE_URL
    ctgov_api_url: str = DEFAULT_API_URL
    rate_limit: float = DEFAULT_RATE_LIMIT
    timezone: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone, else the machine's."""
        if self.timezone is None:
            return ZoneInfo(tzlocal.get_localzone_name() or "UTC")
        return ZoneInfo(self.timezone)


def _variable(name: str) -> str:
    return "CTGOV_API_URL" if name == "ctgov_api_url" else f"TRACKER_{name.upper()}"


def _text(name: str, value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise ConfigError(f"{_variable(name)} is empty")
    return text


def _rate(name: str, value: Any) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{_variable(name)} must be a number of requests per minute, not {value!r}"
        ) from None
    if rate < 0:
        raise ConfigError(f"{_variable(name)} must not be negative (0 means no limit)")
    return rate


def _zone(name: str, value: Any) -> str:
    text = _text(name, value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{_variable(name)}: unknown time zone {text!r}") from None
    return text


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "database_url": _text,
    "ctgov_api_url": lambda name, value: _text(name, value).rstrip("/"),
    "rate_limit": _rate,
    "timezone": _zone,
}


def _read_file(path: Path, required: bool) -> dict[str, Any]:
    if not path.is_file():
        if required:
            raise ConfigError(f"TRACKER_CONFIG: no such file {path}")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - set(_PARSERS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r}")
    return data


def load_settings(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Build the settings from `tracker.toml` (if any) overridden by the environment."""
    env = os.environ if environ is None else environ
    named = env.get("TRACKER_CONFIG")
    path = Path(named) if named else (cwd or Path.cwd()) / CONFIG_FILE_NAME
    raw = _read_file(path, required=bool(named))
    for field in fields(Settings):
        value = env.get(_variable(field.name))
        if value is not None and value != "":
            raw[field.name] = value
    return Settings(**{name: _PARSERS[name](name, value) for name, value in raw.items()})
