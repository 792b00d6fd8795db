"""Configuration, read once from the environment and an optional `tracker.toml`.

This is the only module that reads `os.environ`. Everything else receives a `Settings`.
The environment wins over the file. In `tracker.toml` a setting's key is its variable's
name in lower case without the `TRACKER_` prefix (`database_url`, `rate_limit`,
`ctgov_api_url`, ...); the file is looked up in the working directory unless
`TRACKER_CONFIG` names another path.
"""

import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker.errors import ConfigError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

DEFAULT_DATABASE_URL = "sqlite:///tracker.db"
DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
DEFAULT_RATE_LIMIT = 40.0
"""Requests per minute: community guidance puts the public limit near 50 per IP."""
MIN_RATE_LIMIT = 0.1
"""The slowest rate accepted (one request in ten minutes); 0 means no limit."""

DEFAULT_FULL_SYNC_DAYS = 7
"""Each claim syncs in full once in this many days (0: only when needed or asked)."""

DEFAULT_SMTP_PORT = 587
"""Mail submission; STARTTLS is used when the server offers it, port 465 is TLS from the start."""

DEFAULT_SYNC_CRON = "30 2 * * *"
"""The nightly sync: every day at 02:30 in TRACKER_TIMEZONE."""
DEFAULT_DIGEST_CRON = "0 7 * * mon"
"""The weekly digest: Mondays at 07:00 in TRACKER_TIMEZONE."""

CONFIG_FILE_NAME = "tracker.toml"


SECRETS = frozenset({"smtp_password", "web_token"})
MASK = "********"


class Settings(NamedTuple):
    """Every setting the tracker reads, with its default. A named tuple rather than a
    dataclass, and in a module without `from __future__ import annotations` (whose string
    annotations a named tuple compiles one by one): start-up is most of a read command's
    time."""

    database_url: str = DEFAULT_DATABASE_URL
    ctgov_api_url: str = DEFAULT_API_URL
    rate_limit: float = DEFAULT_RATE_LIMIT
    full_sync_days: int = DEFAULT_FULL_SYNC_DAYS
    timezone: str | None = None
    smtp_host: str | None = None
    smtp_port: int = DEFAULT_SMTP_PORT
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_plaintext_login: bool = False
    digest_to: tuple[str, ...] = ()
    sync_cron: str = DEFAULT_SYNC_CRON
    digest_cron: str = DEFAULT_DIGEST_CRON
    web_token: str | None = None

    def __repr__(self) -> str:
        shown = (f"{name}={getattr(self, name)!r}" for name in self._fields if name not in SECRETS)
        return f"Settings({', '.join(shown)})"

    @property
    def zone(self) -> "ZoneInfo":
        """The configured time zone, else the machine's."""
        from zoneinfo import ZoneInfo

        import tzlocal

        if self.timezone is None:
            return ZoneInfo(tzlocal.get_localzone_name() or "UTC")
        return ZoneInfo(self.timezone)


def variable_name(name: str) -> str:
    """The environment variable of a setting: `rate_limit` → `TRACKER_RATE_LIMIT`."""
    return "CTGOV_API_URL" if name == "ctgov_api_url" else f"TRACKER_{name.upper()}"


def _text(name: str, value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise ConfigError(f"{variable_name(name)} is empty")
    return text


def _rate(name: str, value: Any) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{variable_name(name)} must be a number of requests per minute, not {value!r}"
        ) from None
    if not math.isfinite(rate):
        raise ConfigError(f"{variable_name(name)} must be a finite number, not {value!r}")
    if rate < 0:
        raise ConfigError(f"{variable_name(name)} must not be negative (0 means no limit)")
    if 0 < rate < MIN_RATE_LIMIT:
        raise ConfigError(
            f"{variable_name(name)} must be 0 (no limit) or at least {MIN_RATE_LIMIT}"
            " requests a minute"
        )
    return rate


def _api_url(name: str, value: Any) -> str:
    from urllib.parse import urlsplit

    text = _text(name, value).rstrip("/")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError as exc:
        raise ConfigError(f"{variable_name(name)} is not a URL: {text!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{variable_name(name)} must be an http(s) URL with a host, not {text!r}")
    return text


def _days(name: str, value: Any) -> int:
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ConfigError(
            f"{variable_name(name)} must be a whole number of days, not {value!r}"
        ) from None
    if not 0 <= days <= 366:
        raise ConfigError(f"{variable_name(name)} must be from 0 (never) to 366 days")
    return days


def _zone(name: str, value: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = _text(name, value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{variable_name(name)}: unknown time zone {text!r}") from None
    return text


def _port(name: str, value: Any) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{variable_name(name)} must be a port number, not {value!r}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{variable_name(name)} must be a port number from 1 to 65535")
    return port


def _secret(name: str, value: Any) -> str:
    """Taken as given: a password may have spaces at either end. Never echoed back."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{variable_name(name)} must be a non-empty string")
    return value


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{variable_name(name)} must be true or false, not {value!r}")


def _addresses(name: str, value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else str(value).split(",")
    addresses = tuple(str(item).strip() for item in items if str(item).strip())
    for address in addresses:
        if "@" not in address:
            raise ConfigError(f"{variable_name(name)}: {address!r} is not an e-mail address")
    if not addresses:
        raise ConfigError(f"{variable_name(name)} is empty")
    return addresses


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "database_url": _text,
    "ctgov_api_url": _api_url,
    "rate_limit": _rate,
    "full_sync_days": _days,
    "timezone": _zone,
    "smtp_host": _text,
    "smtp_port": _port,
    "smtp_user": _text,
    "smtp_password": _secret,
    "smtp_from": _text,
    "smtp_plaintext_login": _flag,
    "digest_to": _addresses,
    "sync_cron": _text,
    "digest_cron": _text,
    "web_token": _secret,
}


def _read_file(path: Path, required: bool) -> dict[str, Any]:
    if not path.is_file():
        if required:
            raise ConfigError(f"TRACKER_CONFIG: no such file {path}")
        return {}
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown = sorted(set(data) - set(_PARSERS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting {unknown[0]!r}; the settings are: {', '.join(_PARSERS)}"
        )
    return data


class Source(NamedTuple):
    """Where one effective setting came from: `default`, the file's path, or `environment`."""

    name: str
    variable: str
    value: str
    origin: str


def _gather(
    environ: Mapping[str, str] | None, cwd: Path | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Raw values by setting, and where each came from."""
    env = os.environ if environ is None else environ
    named = env.get("TRACKER_CONFIG")
    path = Path(named) if named else (cwd or Path.cwd()) / CONFIG_FILE_NAME
    raw = _read_file(path, required=bool(named))
    origins = dict.fromkeys(raw, str(path))
    for name in Settings._fields:
        value = env.get(variable_name(name))
        if value is not None and value != "":
            raw[name] = value
            origins[name] = "environment"
    return raw, origins


def _parsed(name: str, value: Any, origin: str) -> Any:
    """A value checked; a bad one from the file is named by its key in the file."""
    try:
        return _PARSERS[name](name, value)
    except ConfigError as exc:
        if origin == "environment":
            raise
        raise ConfigError(str(exc).replace(variable_name(name), f"{origin}: {name}", 1)) from None


def load_settings(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Build the settings from `tracker.toml` (if any) overridden by the environment."""
    return _settings(*_gather(environ, cwd))


def _settings(raw: Mapping[str, Any], origins: Mapping[str, str]) -> Settings:
    return Settings(**{name: _parsed(name, value, origins[name]) for name, value in raw.items()})


def _masked_url(url: str) -> str:
    """A database URL without its password: `postgresql://user:****@host/db`."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", rf"\1{MASK}@", url)


def _shown(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in SECRETS:
        return MASK
    if name == "database_url":
        return _masked_url(value)
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe_settings(
    environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> list[Source]:
    """Every setting's effective value (secrets masked) and where it came from."""
    raw, origins = _gather(environ, cwd)
    settings = _settings(raw, origins)
    return [
        Source(
            name,
            variable_name(name),
            _shown(name, getattr(settings, name)),
            origins.get(name, "default"),
        )
        for name in Settings._fields
    ]


def terminal_columns(fallback: int = 80) -> int:
    """`COLUMNS`, else the width of the terminal on standard output, else `fallback`: what
    `shutil.get_terminal_size` answers, without importing `shutil` (and its archive codecs)
    at every command's start-up."""
    import sys

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns or fallback


def login_name() -> str:
    """Who is at the keyboard, for records such as screening decisions (`--by`)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
