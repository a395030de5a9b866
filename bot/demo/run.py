"""Start everything ``floorbot demo`` needs on loopback, and stop it cleanly.

The local Bot API (bot.localapi), a fresh SQLite database (migrated like ``floorbot db
upgrade``, then seeded by bot.demo.seed), the real application from bot.app.builder served by
bot.app.serving as ``floorbot run`` serves it, and the chat page (bot.demo.page).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.app.serving import HttpListener, Polling, serve
from bot.app.settings import MINI_APP_PATH, Settings
from bot.demo.page import ChatPage
from bot.demo.seed import Seeded, demo_now, seed
from bot.localapi import BOT_USERNAME, TOKEN, FakeTelegram
from scoring.rulebook import Rulebook
from storage.db import upgrade

logger = logging.getLogger("floorbot.demo")
POLL_TIMEOUT = 10


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
    # The page's port is taken first (port 0: any free one), so the bot knows its Mini App URL.
    sock = socket.create_server((options.host, options.port))
    try:
        port = sock.getsockname()[1]
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
            webapp_url=f"http://{options.host}:{port}{MINI_APP_PATH}",
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
        page = ChatPage(
            fake,
            options.lang,
            book.title.get(options.lang),
            now=clock.now,
            webapp_url=settings.webapp_url,
        )
        ready(Started(f"http://{options.host}:{port}/", seeded))
        app = build_application(services)
        await serve(
            app,
            Polling(POLL_TIMEOUT),
            listener=HttpListener(options.host, port, sock),
            site=page.app(),
            max_concurrent=settings.max_concurrent_updates,
            stop=stop,
        )
    finally:
        sock.close()
        await fake.stop()
