"""The HTML digest as a mail client shows it: Chromium at phone and desktop widths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from browser import chromium, look


@pytest.fixture(scope="module")
def demo_digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [sys.executable, "-m", "tracker", "demo", "--dir", str(folder)],
        check=True,
        capture_output=True,
    )
    (page,) = (folder / "digests").glob("*.html")
    return page


@pytest.mark.parametrize("width", [360, 1000])
def test_digest_fits_the_width_and_shows_its_chart(
    width: int, demo_digest: Path, tmp_path: Path
) -> None:
    with chromium() as driver:
        seen = look(driver, demo_digest, width, tmp_path / f"digest-{width}.png")
    assert seen["overflows"] == []
    assert seen["page_width"] <= width
    assert seen["bars"]
    assert all(bar > 0 for bar in seen["bars"])
    assert (tmp_path / f"digest-{width}.png").stat().st_size > 0


def test_the_check_catches_overflowing_text_and_a_missing_chart(
    demo_digest: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.html"
    html = demo_digest.read_text(encoding="utf-8")
    html = html.replace("overflow-wrap:anywhere;", "white-space:nowrap;")
    broken.write_text(html.replace("data-bar=", "data-gone="), encoding="utf-8")
    with chromium() as driver:
        seen = look(driver, broken, 360)
    assert seen["overflows"] or seen["page_width"] > 360
    assert seen["bars"] == []
