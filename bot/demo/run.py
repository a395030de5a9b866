"""Start everything ``floorbot demo`` needs on loopback, and stop it cleanly.

The local Bot API (bot.localapi), a fresh SQLite database (migrated like ``floorbot db
upgrade``, then seeded by bot.demo.seed), the real application from bot.app.builder served by
bot.app.serving as ``floorbot run`` serves it, and the chat page (bot.demo.page).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.app.serving import Polling, serve
from bot.app.settings import Settings
from bot.demo.page import ChatPage
from bot.demo.seed import Seeded, demo_now, seed
from bot.localapi import BOT_USERNAME, TOKEN, FakeTelegram
from scoring.rulebook import Rulebook
from storage.db import upgrade

logger = logging.getLogger("floorbot.demo")
POLL_TIMEOUT = 10
SHUTDOWN_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class DemoOptions:
    database: Path
    contract: str
    lang: str
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class Started:
    url: str
    seeded: Seeded | None  # None when the database already held the demo


async def run_demo(
    options: DemoOptions,
    *,
    books: Mapping[str, Rulebook],
    ready: Callable[[Started], None],
    stop: asyncio.Event | None = None,
) -> None:
    """Serve the demo until SIGINT/SIGTERM (or ``stop``); ``ready`` gets the page's URL."""
    book = books[options.contract]
    fake = await FakeTelegram().start()
    runner: web.AppRunner | None = None
    try:
        fresh = not options.database.exists()
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            bot_username=BOT_USERNAME,
            database_url=f"sqlite+aiosqlite:///{options.database}",
            api_base_url=fake.base_url,
            api_file_url=fake.base_file_url,
            default_language=options.lang,
            poll_timeout_seconds=POLL_TIMEOUT,
        )
        clock = OffsetClock()
        clock.set(demo_now(book, dt.datetime.now(dt.UTC)))
        services = build_services(settings, clock, books)
        await upgrade(services.engine)
        seeded = None
        if fresh:
            seeded = await seed(
                services.sessions,
                book=book,
                books=books,
                now=clock.now(),
                fake=fake,
                lang=options.lang,
            )
        page = ChatPage(fake, options.lang, book.title.get(options.lang))
        # The page's long polls are cut at once on Ctrl-C instead of being waited for.
        runner = web.AppRunner(page.app(), access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        site = web.TCPSite(runner, options.host, options.port)
        await site.start()
        port = runner.addresses[0][1]
        ready(Started(f"http://{options.host}:{port}/", seeded))
        app = build_application(services)
        await serve(
            app,
            Polling(POLL_TIMEOUT),
            max_concurrent=settings.max_concurrent_updates,
            stop=stop,
        )
    finally:
        if runner is not None:
            await runner.cleanup()
        await fake.stop()
