"""``floorbot demo`` as a user starts it, and headless Chromium (Debian's) to use its pages:
shared by the demo page's tests (one demo per test) and the Mini App's (one per module)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
NO_BROWSER = "Debian's chromium and chromium-driver are not installed (bash .ci/chromium.sh)"
URL_LINE = re.compile(r"open (http://127\.0\.0\.1:\d+/)")
START_SECONDS = 60


def require_browser() -> None:
    """Skip without Chromium, except on CI (CI=true), where a missing browser fails the run."""
    if CHROMIUM and CHROMEDRIVER:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(NO_BROWSER)
    pytest.skip(NO_BROWSER)


@contextlib.contextmanager
def running_demo(database: Path, *extra: str) -> Iterator[str]:
    """``floorbot demo`` on a free port, keeping its database in ``database``; its page's URL.
    It must stop cleanly (exit 0, "stopped") when terminated as Ctrl-C would."""
    floorbot = Path(sys.executable).with_name("floorbot")
    command = [str(floorbot), "demo", "--port", "0", "--database", str(database), *extra]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + START_SECONDS
    url = None
    while url is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if found := URL_LINE.search(line):
            url = found[1]
    try:
        assert url is not None, f"floorbot demo printed no URL: {''.join(seen)}"
        yield url
    finally:
        process.terminate()  # as Ctrl-C: serve() stops on SIGINT and SIGTERM alike
        try:
            rest, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        assert process.returncode == 0, f"floorbot demo did not stop cleanly: {rest}"
        assert "floorbot demo: stopped" in rest


@contextlib.contextmanager
def chromium(profile: Path, size: tuple[int, int] = (1200, 900)) -> Iterator[Any]:
    """Headless Chromium through Debian's chromedriver (Selenium downloads nothing)."""
    require_browser()
    os.environ["SE_AVOID_STATS"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--window-size={size[0]},{size[1]}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
