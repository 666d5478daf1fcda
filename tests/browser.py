"""Open an HTML page in headless Chromium (Selenium + Debian's chromium-driver) and report what a reader would see.

Used by the report rendering tests. CI installs ``chromium``, ``chromium-driver`` and a CJK font
(``.ci/run``) and sets ``ANALYSIS_REQUIRE_SYSTEM_PACKAGES=1``, so there a missing browser fails instead of skipping.
"""

from __future__ import annotations

import base64
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import REPO

# Screenshots land here so CI can keep them (gitignored); override with ANALYSIS_TEST_ARTIFACTS.
ARTIFACTS = Path(os.environ.get("ANALYSIS_TEST_ARTIFACTS", REPO / "build" / "test-artifacts"))


def _find(*names: str) -> str | None:
    return next((p for p in map(shutil.which, names) if p), None)


def require_browser() -> tuple[str, str]:
    """Chromium and its driver, or skip (fail in CI, where .ci/run installs them)."""
    chromium, driver = _find("chromium", "chromium-browser", "google-chrome"), _find("chromedriver")
    if chromium and driver:
        return chromium, driver
    message = "headless Chromium not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("ANALYSIS_REQUIRE_SYSTEM_PACKAGES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Rendered:
    images: list[tuple[str, bool]]  # (src, loaded with a non-zero width)
    console_errors: list[str]
    page_height: int
    screenshot: bytes = field(repr=False)

    @property
    def broken_images(self) -> list[str]:
        return [src for src, ok in self.images if not ok]


def render(page: Path, *, width: int = 1200, timeout: float = 60) -> Rendered:
    pytest.importorskip("selenium", reason="selenium (a test dependency) is not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    chromium, driver_path = require_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},1000", "--hide-scrollbars"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        driver.set_page_load_timeout(timeout)
        driver.get(Path(page).resolve().as_uri())
        WebDriverWait(driver, timeout).until(lambda d: d.execute_script(
            "return document.readyState === 'complete' && Array.from(document.images).every(i => i.complete)"))
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.getAttribute('src').slice(0, 120), "
            "i.naturalWidth > 0])")
        errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1}})
        return Rendered([(s, bool(ok)) for s, ok in images], errors, height, base64.b64decode(shot["data"]))
    finally:
        driver.quit()


def keep_screenshot(rendered: Rendered, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(rendered.screenshot)
    return path
