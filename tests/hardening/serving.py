"""The real Application served in this process by bot.app.serving (polling or webhook), for tests
that need the production update loop rather than python-telegram-bot's Updater."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.app.serving import Polling, Webhook, serve
from scoring.rulebook import Rulebook
from tests.bot.conftest import Running, bot_settings
from tests.bot.world import seed
from tests.fakebot import FakeTelegram

POLL_TIMEOUT = 1
STOP_TIMEOUT = 30.0
READY_TIMEOUT = 30.0


@contextlib.asynccontextmanager
async def served(
    fake: FakeTelegram,
    url: str,
    clock: OffsetClock,
    rulebooks: Mapping[str, Rulebook],
    *,
    mode: Polling | Webhook | None = None,
    seeded: bool = False,
    **settings: Any,
) -> AsyncIterator[Running]:
    """Seed the database (unless ``seeded``), serve the bot until the block ends."""
    services = build_services(bot_settings(fake, url, **settings), clock, rulebooks)
    if not seeded:
        await seed(services)
    app = build_application(services)
    stop = asyncio.Event()
    mode = mode or Polling(POLL_TIMEOUT)
    task = asyncio.create_task(serve(app, mode, max_concurrent=8, stop=stop))
    ready = "getUpdates" if isinstance(mode, Polling) else "setWebhook"
    try:
        await fake.wait_for_call(ready, timeout=READY_TIMEOUT)
        yield Running(app, services, fake, clock)
    finally:
        stop.set()
        await asyncio.wait_for(task, STOP_TIMEOUT)
