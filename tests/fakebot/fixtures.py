"""The pytest fixture that serves a fresh fake Bot API for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.localapi import FakeTelegram


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API on 127.0.0.1 (random free port), stopped after the test."""
    fake = await FakeTelegram().start()
    try:
        yield fake
    finally:
        await fake.stop()
