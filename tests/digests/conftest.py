"""Fixtures for the digest tests: the real Application and JobQueue, started (and restarted)
at a chosen time of the controllable clock, against the fake Bot API.

The bot tests' fixtures (a migrated database per test, the rulebooks, the clock, the fake
server) are reused; the world is theirs (tests.bot.world) plus managers of both contracts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.app.jobs import runner_of
from bot.services.registry import Services
from scoring.rulebook import Rulebook
from tests.bot.conftest import (
    Running,
    _pg_execute,
    _pg_url,
    bot_settings,
    clock,
    database_url,
    pg_template,
    rulebooks,
    start_bot,
    stop_bot,
    template_db,
)
from tests.digests.world import seed_digests
from tests.fakebot import FakeTelegram
from tests.fakebot.fixtures import fake_telegram

__all__ = ["clock", "database_url", "fake_telegram", "pg_template", "rulebooks", "template_db"]

# Fast retries and a short gap between two messages in a chat, so tests take seconds; the
# sweep only at start-up (tests run ticks themselves, or let the contract jobs fire).
FAST: dict[str, Any] = {
    "digest_poll_seconds": 3600,
    "digest_retry_seconds": 0.05,
    "digest_chat_interval_seconds": 0.05,
}
Launch = Callable[..., Awaitable[Running]]


async def _world(
    fake: FakeTelegram, url: str, clock: OffsetClock, rulebooks: dict[str, Rulebook]
) -> Services:
    services = build_services(bot_settings(fake, url, **FAST), clock, rulebooks)
    await seed_digests(services, fake)
    return services


@pytest.fixture
async def world(
    fake_telegram: FakeTelegram,
    database_url: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> AsyncIterator[Services]:
    """The seeded database and the services the bot runs on (the bot not started yet)."""
    services = await _world(fake_telegram, database_url, clock, rulebooks)
    yield services
    await services.engine.dispose()


@pytest.fixture
async def pg_world(
    fake_telegram: FakeTelegram,
    pg_template: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> AsyncIterator[Services]:
    """The same world on a fresh PostgreSQL database (FLOORBOT_TEST_POSTGRES_URL)."""
    name = f"floorbot_digest_{uuid.uuid4().hex[:10]}"
    await _pg_execute(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    try:
        services = await _world(fake_telegram, _pg_url(name), clock, rulebooks)
        yield services
        await services.engine.dispose()
    finally:
        await _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _launcher(
    world: Services, fake: FakeTelegram, clock: OffsetClock, running: list[Running]
) -> Launch:
    async def start(**settings: Any) -> Running:
        core = replace(world.core, settings=world.settings.model_copy(update=settings))
        services = Services(core)
        app = build_application(services)
        await start_bot(app)
        bot = Running(app, services, fake, clock)
        running.append(bot)
        await settle(bot)
        return bot

    return start


@pytest.fixture
async def launch(
    world: Services, fake_telegram: FakeTelegram, clock: OffsetClock
) -> AsyncIterator[Launch]:
    """Start the bot on the world (again after a stop), with some settings changed."""
    running: list[Running] = []
    yield _launcher(world, fake_telegram, clock, running)
    for bot in running:
        if bot.app.running:
            await stop_bot(bot.app)


@pytest.fixture
async def pg_launch(
    pg_world: Services, fake_telegram: FakeTelegram, clock: OffsetClock
) -> AsyncIterator[Launch]:
    """``launch`` on PostgreSQL."""
    running: list[Running] = []
    yield _launcher(pg_world, fake_telegram, clock, running)
    for bot in running:
        if bot.app.running:
            await stop_bot(bot.app)


async def settle(bot: Running) -> None:
    """Wait for the tick under way (the start-up sweep) to end, by running one more."""
    runner = runner_of(bot.app)
    assert runner is not None
    await runner.tick()


async def tick(bot: Running) -> Any:
    """One tick of the digest runner now (what the sweep and the contract jobs run)."""
    runner = runner_of(bot.app)
    assert runner is not None
    return await runner.tick()


def at(clock: OffsetClock, moment: dt.datetime) -> None:
    clock.set(moment)
