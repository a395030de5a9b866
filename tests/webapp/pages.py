"""The Mini App in the browser: opened for a demo person with signed launch data, its pages
waited for, read and acted on through their data-testid attributes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.request import urlopen

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20
PHONE = (420, 860)
WIDE = (1200, 900)
ROOT = Path(__file__).resolve().parents[2]
# FLOORBOT_SCREENSHOTS=1 saves each page to docs/miniapp-<name>.png (off by default).
SCREENSHOTS = os.environ.get("FLOORBOT_SCREENSHOTS") == "1"


def phone(driver: Any) -> None:
    """A phone's viewport, PHONE pixels (a desktop window has a minimum width)."""
    width, height = PHONE
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def wide(driver: Any) -> None:
    """The browser's own window, WIDE pixels: the demo's chat page beside its people."""
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(*WIDE)


def by_id(testid: str) -> tuple[str, str]:
    return By.CSS_SELECTOR, f"[data-testid='{testid}']"


def launch_url(demo_url: str, person: str, fragment: str = "") -> str:
    """The Mini App's URL as Telegram opens it for ``person`` (the demo signs the launch)."""
    target = f"{demo_url}app/" + (f"#{fragment}" if fragment else "")
    with urlopen(f"{demo_url}api/webapp/{person}?url={quote(target, safe='')}") as answer:
        return str(json.load(answer)["url"])


def ready_mark(driver: Any) -> str | None:
    """Which render the view last finished (a number that grows), or None."""
    marks = driver.find_elements(By.CSS_SELECTOR, "#view[data-ready]")
    return marks[0].get_attribute("data-ready") if marks else None


def rendered(driver: Any, page: str, before: str | None = None) -> Any:
    """The view once it shows ``page`` (assessment, trend, deductions, finding), rendered
    after the render ``before``."""

    def done(d: Any) -> Any:
        view = d.find_element(By.ID, "view")
        mark = view.get_attribute("data-ready")
        if mark and mark != before and view.get_attribute("data-page") == page:
            return view
        return False

    return WebDriverWait(driver, WAIT).until(done, f"the {page} page was not shown")


def open_app(driver: Any, demo_url: str, person: str, fragment: str = "", page: str = "") -> Any:
    """Open the Mini App for ``person`` at ``fragment``; the view once ``page`` shows."""
    driver.get("about:blank")  # a new launch is a new page, not a new fragment of the last one
    driver.get(launch_url(demo_url, person, fragment))
    return rendered(driver, page or "assessment")


def go(driver: Any, testid: str, page: str) -> Any:
    """Click the element ``testid`` (a tab, a finding, a link) and wait for ``page``."""
    before = ready_mark(driver)
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(*by_id(testid))).click()
    return rendered(driver, page, before)


def click(driver: Any, element: Any, page: str) -> Any:
    before = ready_mark(driver)
    element.click()
    return rendered(driver, page, before)


def text(driver: Any, testid: str) -> str:
    return str(driver.find_element(*by_id(testid)).text)


def images_loaded(driver: Any, testid: str) -> list[Any]:
    """Every image ``testid`` on the page, once each was fetched (with the launch data) and
    decoded; fails if one could not be."""

    def loaded(d: Any) -> list[Any] | bool:
        found = d.find_elements(*by_id(testid))
        states = [i.get_attribute("data-loaded") for i in found]
        assert "failed" not in states, f"an image {testid} was refused"
        if found and all(s == "true" for s in states):
            sizes = [d.execute_script("return arguments[0].naturalWidth", i) for i in found]
            return found if all(sizes) else False
        return False

    return WebDriverWait(driver, WAIT).until(loaded, f"no image {testid} shown")


def shot(driver: Any, name: str, at: str | None = None) -> None:
    """With FLOORBOT_SCREENSHOTS=1, the page as a phone shows it in docs/miniapp-<name>.png:
    from its top, or scrolled to the element ``at`` (a data-testid)."""
    if not SCREENSHOTS:
        return
    if at is None:
        driver.execute_script("window.scrollTo(0, 0)")
    else:
        element = driver.find_element(*by_id(at))
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
    driver.save_screenshot(str(ROOT / "docs" / f"miniapp-{name}.png"))
    driver.execute_script("window.scrollTo(0, 0)")


def report(database: Path, contract: str, period: str) -> dict[str, Any]:
    """``floorbot report --format json`` on the demo's database."""
    floorbot = Path(sys.executable).with_name("floorbot")
    env = {**os.environ, "FLOORBOT_DATABASE_URL": f"sqlite:///{database}"}
    command = [floorbot, "report", "--contract", contract, "--period", period, "--format", "json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def sheet_points(line: dict[str, Any]) -> str:
    """A line's figure as the contract's sheet gives it: points off (or on, for a bonus), the
    amount of a fee line, a target's misses."""
    if not line["count"]:
        return "—"
    if line["kind"] == "kpi":
        return f"未达标 {line['misses']} 次" + (f" · {line['amount']} 元" if line["amount"] else "")
    if line["amount"] is not None:
        return f"{line['amount']} 元"
    if Decimal(line["points"]) == 0:
        return "0"
    return ("+" if line["kind"] == "bonus" else "-") + line["points"]
