"""Settings come from tracker.toml, overridden by the environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tracker.config import DEFAULT_API_URL, DEFAULT_DATABASE_URL, load_settings, terminal_columns
from tracker.errors import ConfigError


def test_defaults_without_file_or_environment(tmp_path: Path) -> None:
    settings = load_settings({}, cwd=tmp_path)
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///tracker.db"
    assert settings.ctgov_api_url == DEFAULT_API_URL == "https://clinicaltrials.gov/api/v2"
    assert 0 < settings.rate_limit < 50


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "tracker.toml").write_text(
        'database_url = "sqlite:///file.db"\nrate_limit = 10\ntimezone = "Europe/Paris"\n'
    )
    settings = load_settings({"TRACKER_DATABASE_URL": "sqlite:///env.db"}, cwd=tmp_path)
    assert settings.database_url == "sqlite:///env.db"
    assert settings.rate_limit == 10
    assert settings.zone.key == "Europe/Paris"


def test_api_url_comes_from_ctgov_api_url(tmp_path: Path) -> None:
    settings = load_settings({"CTGOV_API_URL": "http://127.0.0.1:9/api/v2/"}, cwd=tmp_path)
    assert settings.ctgov_api_url == "http://127.0.0.1:9/api/v2"


def test_tracker_config_names_another_file(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text("rate_limit = 5\n")
    assert load_settings({"TRACKER_CONFIG": str(other)}, cwd=tmp_path).rate_limit == 5
    with pytest.raises(ConfigError, match="no such file"):
        load_settings({"TRACKER_CONFIG": str(tmp_path / "missing.toml")}, cwd=tmp_path)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"TRACKER_RATE_LIMIT": "fast"}, "TRACKER_RATE_LIMIT must be a number"),
        ({"TRACKER_RATE_LIMIT": "-1"}, "TRACKER_RATE_LIMIT must not be negative"),
        ({"TRACKER_TIMEZONE": "Mars/Olympus"}, "TRACKER_TIMEZONE: unknown time zone"),
    ],
)
def test_bad_values_name_their_variable(
    tmp_path: Path, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ, cwd=tmp_path)


def test_unknown_or_malformed_file_settings_are_refused(tmp_path: Path) -> None:
    (tmp_path / "tracker.toml").write_text("databse_url = 'x'\n")
    with pytest.raises(ConfigError, match="unknown setting 'databse_url'"):
        load_settings({}, cwd=tmp_path)
    (tmp_path / "tracker.toml").write_text("database_url = \n")
    with pytest.raises(ConfigError, match=r"tracker\.toml"):
        load_settings({}, cwd=tmp_path)


def test_full_sync_days_defaults_to_a_week_and_can_be_turned_off(tmp_path: Path) -> None:
    assert load_settings({}, cwd=tmp_path).full_sync_days == 7
    assert load_settings({"TRACKER_FULL_SYNC_DAYS": "0"}, cwd=tmp_path).full_sync_days == 0
    with pytest.raises(ConfigError, match="TRACKER_FULL_SYNC_DAYS must be a whole number"):
        load_settings({"TRACKER_FULL_SYNC_DAYS": "weekly"}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="TRACKER_FULL_SYNC_DAYS must be from 0"):
        load_settings({"TRACKER_FULL_SYNC_DAYS": "-1"}, cwd=tmp_path)


def test_terminal_columns_follow_columns_as_shutil_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "123")
    assert terminal_columns() == 123 == shutil.get_terminal_size().columns
    monkeypatch.setenv("COLUMNS", "wide")
    assert terminal_columns() == shutil.get_terminal_size((80, 24)).columns
