"""``floorbot demo`` as a user starts it, and headless Chromium (Debian's) to use its page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo.harness import chromium, running_demo


@pytest.fixture
def demo_url(tmp_path: Path) -> Iterator[str]:
    """``floorbot demo`` on a free port with a fresh database; its page's URL."""
    with running_demo(tmp_path / "demo.db") as url:
        yield url


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium through Debian's chromedriver (Selenium downloads nothing)."""
    with chromium(tmp_path / "chromium") as driver:
        yield driver
