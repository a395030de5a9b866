"""One ``floorbot demo`` and one headless Chromium per test module: the Mini App's tests share
them (the demo takes seconds to start), each test leaving the demo as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.demo.harness import chromium, require_browser, running_demo
from tests.webapp.pages import PHONE, phone


@dataclass(frozen=True, slots=True)
class Demo:
    url: str  # the chat page; the Mini App is at url + "app/"
    database: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    require_browser()  # no demo started for tests that cannot run
    database = tmp_path_factory.mktemp("demo") / "demo.db"
    with running_demo(database) as url:
        yield Demo(url, database)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Phone-sized: the Mini App as a phone shows it."""
    with chromium(tmp_path_factory.mktemp("chromium"), PHONE) as driver:
        phone(driver)
        yield driver
