"""Pages in a real headless Chromium (Debian's chromium and chromium-driver)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

OVERFLOWS = """
return Array.from(document.body.querySelectorAll('*'))
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60));
"""
BARS = """
return Array.from(document.querySelectorAll('[data-chart] [data-bar]'))
  .map(e => e.getBoundingClientRect().width);
"""


@contextmanager
def chromium() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def look(
    driver: Any, page: Path | str, width: int, screenshot: Path | None = None
) -> dict[str, Any]:
    """Lay `page` (a file, or a URL) out `width` CSS pixels wide; what overflows, the bars'
    widths, and the page's width; a full-page screenshot if asked."""
    metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get(page if isinstance(page, str) else page.resolve().as_uri())
    seen = {
        "overflows": driver.execute_script(OVERFLOWS),
        "bars": driver.execute_script(BARS),
        "page_width": driver.execute_script("return document.documentElement.scrollWidth"),
    }
    if screenshot is not None:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
        driver.save_screenshot(str(screenshot))
    return seen
