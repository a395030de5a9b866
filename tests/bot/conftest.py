"""Fixtures for the bot tests: the fake Bot API, a migrated database, the running bot."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import make_url

from bot.app.builder import build_application, build_services, post_init, post_shutdown
from bot.app.clock import OffsetClock
from bot.app.context import FloorApp
from bot.app.settings import Settings
from bot.services.registry import Services
from scoring.loader import load_rulebooks
from scoring.rulebook import Rulebook
from storage.db import create_engine, upgrade
from tests.bot.world import NOW, seed
from tests.fakebot import TOKEN, FakeTelegram, FakeUser, JsonDict
from tests.fakebot.fixtures import fake_telegram

__all__ = ["fake_telegram"]

POLL_TIMEOUT = 1
DROP_BUTTONS = "editMessageReplyMarkup"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated to the latest schema; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "floorbot.db"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture
def database_url(tmp_path: Path, template_db: Path) -> str:
    target = tmp_path / "floorbot.db"
    shutil.copy(template_db, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture(scope="session")
def rulebooks() -> dict[str, Rulebook]:
    """The shipped rulebooks, loaded once."""
    return load_rulebooks()


@pytest.fixture
def clock() -> OffsetClock:
    """Now is 10:00 on 15 July 2026 in Beijing (moving on in real time); tests may move it."""
    made = OffsetClock()
    made.set(NOW)
    return made


def bot_settings(fake: FakeTelegram, database_url: str, **extra: object) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        database_url=database_url,
        api_base_url=fake.base_url,
        api_file_url=fake.base_file_url,
        poll_timeout_seconds=POLL_TIMEOUT,
        **extra,  # type: ignore[arg-type]
    )


@dataclass
class Running:
    """The running bot and what tests need around it."""

    app: FloorApp
    services: Services
    fake: FakeTelegram
    clock: OffsetClock

    async def say(self, user: FakeUser, text: str) -> JsonDict:
        """The user sends ``text``; returns the bot's next message to them."""
        await self.fake.send_text(user, text)
        return await self.next(user)

    async def tap(self, user: FakeUser, message: JsonDict, label: str) -> JsonDict:
        """The user taps the button labelled ``label``; returns what the bot shows next."""
        await self.fake.press_button(user, message, label)
        return await self.next(user)

    async def photo(self, user: FakeUser, content: bytes, **options: Any) -> JsonDict:
        """The user sends a photo; returns what the bot shows next."""
        await self.fake.send_photo(user, content, **options)
        return await self.next(user)

    async def next(self, user: FakeUser, timeout: float = 5.0) -> JsonDict:  # noqa: ASYNC109
        """The bot's next message (sent or edited) to the user, ignoring buttons taken away."""
        return await self.fake.wait_for_message(
            user.chat_id, timeout=timeout, skip_methods=(DROP_BUTTONS,)
        )


async def start_bot(app: FloorApp) -> None:
    await app.initialize()
    await post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT)


async def stop_bot(app: FloorApp) -> None:
    assert app.updater is not None
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    await post_shutdown(app)


async def _running(
    fake: FakeTelegram, url: str, clock: OffsetClock, rulebooks: dict[str, Rulebook]
) -> AsyncIterator[Running]:
    services = build_services(bot_settings(fake, url), clock, rulebooks)
    await seed(services)
    app = build_application(services)
    await start_bot(app)
    try:
        yield Running(app, services, fake, clock)
    finally:
        await stop_bot(app)


@pytest.fixture
async def bot(
    fake_telegram: FakeTelegram,
    database_url: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> AsyncIterator[Running]:
    """The real Application, polling the fake Bot API, on a seeded SQLite database."""
    async for running in _running(fake_telegram, database_url, clock, rulebooks):
        yield running


# -- PostgreSQL (when FLOORBOT_TEST_POSTGRES_URL is set) ------------------------------------

POSTGRES_URL = os.environ.get("FLOORBOT_TEST_POSTGRES_URL")
NO_POSTGRES = 'FLOORBOT_TEST_POSTGRES_URL is not set (eval "$(bash .ci/postgres.sh)")'


async def _pg_execute(statement: str) -> None:
    assert POSTGRES_URL is not None
    dsn = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _pg_url(database: str) -> str:
    assert POSTGRES_URL is not None
    return make_url(POSTGRES_URL).set(database=database).render_as_string(False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL database that each test clones."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    name = f"floorbot_bot_tmpl_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_execute(f"CREATE DATABASE {name}"))

    async def migrate() -> None:
        engine = create_engine(_pg_url(name))
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(migrate())
    yield name
    asyncio.run(_pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
async def pg_bot(
    fake_telegram: FakeTelegram,
    pg_template: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> AsyncIterator[Running]:
    """The same running bot on a fresh PostgreSQL database."""
    name = f"floorbot_bot_{uuid.uuid4().hex[:10]}"
    await _pg_execute(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    try:
        async for running in _running(fake_telegram, _pg_url(name), clock, rulebooks):
            yield running
    finally:
        await _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
