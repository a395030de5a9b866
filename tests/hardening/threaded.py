"""The real bot on an event loop of its own thread, so that hypothesis (synchronous) can drive it
example after example through the fake Bot API."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from scoring.rulebook import Rulebook
from tests.bot.conftest import Running, bot_settings, start_bot, stop_bot
from tests.bot.world import NOW, seed
from tests.fakebot import FakeTelegram

T = TypeVar("T")
CALL_TIMEOUT = 60.0


class ThreadedBot:
    """``with ThreadedBot(...) as bot: bot.call(coroutine)`` runs it on the bot's loop."""

    def __init__(self, folder: Path, template_db: Path, rulebooks: dict[str, Rulebook]) -> None:
        self._database = folder / "fuzz.db"
        shutil.copy(template_db, self._database)
        self._rulebooks = rulebooks
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.running: Running | None = None

    def __enter__(self) -> Running:
        self._thread.start()
        self.running = self.call(self._start())
        return self.running

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.running is not None:
            self.call(self._stop(self.running))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(CALL_TIMEOUT)

    async def _start(self) -> Running:
        fake = await FakeTelegram().start()
        clock = OffsetClock()
        clock.set(NOW)
        url = f"sqlite+aiosqlite:///{self._database}"
        services = build_services(bot_settings(fake, url), clock, self._rulebooks)
        await seed(services)
        app = build_application(services)
        await start_bot(app)
        return Running(app, services, fake, clock)

    @staticmethod
    async def _stop(running: Running) -> None:
        await stop_bot(running.app)
        await running.fake.stop()
