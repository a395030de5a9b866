"""Fixtures for the hardening tests: the bot tests' ones, seeded databases, PostgreSQL clones."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import make_url

from bot.app.builder import build_services
from storage.db import create_engine, upgrade
from tests.bot.conftest import (
    POSTGRES_URL,
    bot,
    bot_settings,
    clock,
    database_url,
    pg_template,
    rulebooks,
    template_db,
)
from tests.bot.world import seed
from tests.fakebot import FakeTelegram
from tests.fakebot.fixtures import fake_telegram

__all__ = [
    "bot",
    "clock",
    "database_url",
    "fake_telegram",
    "pg_template",
    "rulebooks",
    "template_db",
]


async def seed_database(fake: FakeTelegram, url: str) -> None:
    """The bot tests' contracts, rosters and people in the database at ``url``."""
    services = build_services(bot_settings(fake, url))
    try:
        await seed(services)
    finally:
        await services.engine.dispose()


@pytest.fixture
async def seeded_sqlite(tmp_path: Path, fake_telegram: FakeTelegram) -> str:
    """A migrated and seeded SQLite file of its own."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    await seed_database(fake_telegram, url)
    return url


async def pg_admin(statement: str) -> None:
    """Run one statement on the test server's maintenance connection."""
    assert POSTGRES_URL is not None
    dsn = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture
async def pg_url(pg_template: str) -> AsyncIterator[str]:
    """A fresh migrated PostgreSQL database (skipped without FLOORBOT_TEST_POSTGRES_URL)."""
    assert POSTGRES_URL is not None
    name = f"floorbot_hard_{uuid.uuid4().hex[:10]}"
    await pg_admin(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    finally:
        await pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def seeded_pg(pg_url: str, fake_telegram: FakeTelegram) -> str:
    await seed_database(fake_telegram, pg_url)
    return pg_url


@pytest.fixture
async def processes() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Processes a test started; any still running at the end are killed."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.communicate()
