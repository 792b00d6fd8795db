"""The evidence desk in a real headless Chromium: an editor's morning, and every page at
desktop and phone widths (the screenshots in docs/screenshots/web-*.png come from here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, look
from desk import cli_status, flattened
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import Engine, func, select

from db.models import ClaimStudy, Flag
from tracker.digest.week import IsoWeek

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _flagged_claim(engine: Engine) -> tuple[str, int, str]:
    """A claim with an open flag, that flag, and another trial that counts for the claim."""
    with engine.connect() as connection:
        flags = connection.execute(
            select(Flag.id, Flag.claim_id, Flag.nct_id).where(Flag.acknowledged_at.is_(None))
        ).all()
        for flag in flags:
            others = connection.scalars(
                select(ClaimStudy.nct_id).where(
                    ClaimStudy.claim_id == flag.claim_id,
                    ClaimStudy.nct_id.not_in([f.nct_id for f in flags]),
                    ClaimStudy.relevance_tier == "direct",
                    ClaimStudy.screening.is_(None),
                )
            ).all()
            if others:
                return flag.claim_id, flag.id, others[0]
    raise AssertionError("the demo has no claim with a flag and another counted trial")


def _card(driver: Any, claim_id: str) -> dict[str, str]:
    card = driver.find_element("css selector", f'article[data-claim="{claim_id}"]')
    return {
        cell.get_attribute("data-field"): cell.text
        for cell in card.find_elements("css selector", "[data-field]")
    }


def _left_behind(element: Any) -> Any:
    """Whether `element` is of a page the browser has left: stale, or (asked mid-navigation)
    a node Chromium says no longer belongs to the document."""

    def check(_driver: Any) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return check


def _follow(driver: Any, element: Any) -> None:
    """Click a link or a form's button and wait for the page it leads to."""
    element.click()
    WebDriverWait(driver, 10).until(_left_behind(element))
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _cli_card(
    desk_database_url: str, claim_id: str, monkeypatch: Any, capsys: Any
) -> dict[str, str]:
    (row,) = cli_status(desk_database_url, monkeypatch, capsys, claim_id)
    return flattened(row)


def test_an_editor_excludes_a_trial_and_acknowledges_a_flag_and_the_counts_follow(
    desk: tuple[str, Engine],
    driver: Any,
    desk_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, engine = desk
    claim_id, flag_id, nct_id = _flagged_claim(engine)
    look(driver, url + "/", 1280)
    before = _card(driver, claim_id)
    assert before == _cli_card(desk_database_url, claim_id, monkeypatch, capsys)
    _follow(driver, driver.find_element("css selector", f'article[data-claim="{claim_id}"] h2 a'))
    assert driver.find_element("tag name", "h1").text == claim_id

    trial = driver.find_element("css selector", f'[data-trial="{nct_id}"]')
    trial.find_element("css selector", 'input[name="note"]').send_keys("a different question")
    _follow(driver, trial.find_element("css selector", '[data-key="exclude"]'))
    trial = driver.find_element("css selector", f'[data-trial="{nct_id}"]')
    assert trial.find_element("css selector", '[data-field="screening"]').text == "excluded"
    assert "a different question" in trial.text

    _follow(driver, driver.find_element("css selector", f'[data-acknowledge="{flag_id}"]'))
    assert driver.find_elements("css selector", f'[data-flag="{flag_id}"]') == []

    look(driver, url + "/", 1280)
    after = _card(driver, claim_id)
    assert int(after["trials_total"]) == int(before["trials_total"]) - 1
    assert int(after["excluded"]) == int(before["excluded"]) + 1
    assert int(after["open_flags"]) == int(before["open_flags"]) - 1
    assert after == _cli_card(desk_database_url, claim_id, monkeypatch, capsys)


def test_the_queue_takes_keyboard_decisions(desk: tuple[str, Engine], driver: Any) -> None:
    url, engine = desk
    look(driver, url + "/queue", 1280)
    items = driver.find_elements("css selector", "[data-queue] > .trial")
    assert len(items) >= 3
    first, second, third = (
        (item.get_attribute("data-claim"), item.get_attribute("data-trial")) for item in items[:3]
    )
    body = driver.find_element("tag name", "body")
    body.send_keys("s")
    body.send_keys("x")
    WebDriverWait(driver, 10).until(_left_behind(items[0]))
    remaining = [
        (item.get_attribute("data-claim"), item.get_attribute("data-trial"))
        for item in driver.find_elements("css selector", "[data-queue] > .trial")
    ]
    assert second not in remaining
    assert first in remaining
    assert third in remaining
    with engine.connect() as connection:
        screening = connection.scalar(
            select(ClaimStudy.screening).where(
                ClaimStudy.claim_id == second[0], ClaimStudy.nct_id == second[1]
            )
        )
    assert screening == "exclude"


def _pages(url: str, engine: Engine) -> dict[str, str]:
    claim_id, _, nct_id = _flagged_claim(engine)
    with engine.connect() as connection:
        latest = connection.scalar(select(func.max(Flag.raised_at)))
    week = IsoWeek.containing(latest.date())
    return {
        "claims": url + "/",
        "claim": f"{url}/claims/{claim_id}",
        "queue": url + "/queue",
        "digests": url + "/digests",
        "digest": f"{url}/digests/{week}",
        "trial": f"{url}/trials/{nct_id}",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_width_and_is_photographed(
    width: int, desk: tuple[str, Engine], driver: Any
) -> None:
    url, engine = desk
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, page in _pages(url, engine).items():
        shot = SCREENSHOTS / f"web-{name}-{width}.png"
        seen = look(driver, page, width, shot)
        assert seen["overflows"] == [], name
        assert seen["page_width"] <= width, name
        assert shot.stat().st_size > 0
