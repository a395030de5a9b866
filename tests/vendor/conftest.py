"""Fixtures for the vendor-lead tests: the inspector bot's fixtures, plus more people.

The shared world (tests.bot.world) has contracts A and B on haidian-dispatch-2026, one person
per role on A and an inspector on B. Here A also gets a second manager, and B a vendor lead
and a manager, so that every check can be made against one's own and another contract.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.services.registry import Services
from scoring.rulebook import Rulebook
from storage.bot_queries import person_by_telegram_id, set_language
from storage.db import write_session
from tests.bot.conftest import (  # noqa: F401 (fixtures)
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
from tests.bot.world import NOW, RULEBOOK, add_member, seed
from tests.fakebot import FakeTelegram
from tests.fakebot.fixtures import fake_telegram  # noqa: F401
from tests.vendor.world import EXTRA_MEMBERS, KNOWN

__all__ = ["Running"]


async def seed_vendors(services: Services, fake: FakeTelegram) -> None:
    """The shared world, the vendor-side people, and their chats known to the fake."""
    await seed(services)
    async with write_session(services.sessions) as session:
        for user, contract, role in EXTRA_MEMBERS:
            await add_member(session, user, contract, role, NOW)
            person = await person_by_telegram_id(session=session, telegram_user_id=user.id)
            if person is not None and user.language_code:
                await set_language(session=session, person=person, language=user.language_code)
    for user in KNOWN:
        fake.know(user)  # managers and inspectors get messages they did not ask for


async def _start(
    fake: FakeTelegram,
    url: str,
    moving: OffsetClock,
    books: dict[str, Rulebook],
    **settings: object,
) -> AsyncIterator[Running]:
    services = build_services(bot_settings(fake, url, **settings), moving, books)
    await seed_vendors(services, fake)
    app = build_application(services)
    await start_bot(app)
    try:
        yield Running(app, services, fake, moving)
    finally:
        await stop_bot(app)


@pytest.fixture
async def vbot(
    fake_telegram: FakeTelegram,  # noqa: F811
    database_url: str,  # noqa: F811
    clock: OffsetClock,  # noqa: F811
    rulebooks: dict[str, Rulebook],  # noqa: F811
) -> AsyncIterator[Running]:
    """The running bot with the vendor-side people added."""
    async for running in _start(fake_telegram, database_url, clock, rulebooks):
        yield running


@pytest.fixture
async def internal_notes_bot(
    fake_telegram: FakeTelegram,  # noqa: F811
    database_url: str,  # noqa: F811
    clock: OffsetClock,  # noqa: F811
    rulebooks: dict[str, Rulebook],  # noqa: F811
) -> AsyncIterator[Running]:
    """The same, with the contracts' rulebook marking inspectors' notes internal."""
    books = dict(rulebooks)
    books[RULEBOOK] = rulebooks[RULEBOOK].model_copy(update={"notes_internal": True})
    async for running in _start(fake_telegram, database_url, clock, books):
        yield running


@pytest.fixture
async def one_day_bot(
    fake_telegram: FakeTelegram,  # noqa: F811
    database_url: str,  # noqa: F811
    clock: OffsetClock,  # noqa: F811
    rulebooks: dict[str, Rulebook],  # noqa: F811
) -> AsyncIterator[Running]:
    """The bot with a one-working-day default objection window (the rulebook has none)."""
    async for running in _start(
        fake_telegram, database_url, clock, rulebooks, default_objection_working_days=1
    ):
        yield running


@pytest.fixture
async def pg_vbot(
    fake_telegram: FakeTelegram,  # noqa: F811
    pg_template: str,  # noqa: F811
    clock: OffsetClock,  # noqa: F811
    rulebooks: dict[str, Rulebook],  # noqa: F811
) -> AsyncIterator[Running]:
    """The running bot with the vendor-side people, on a fresh PostgreSQL database."""
    name = f"floorbot_vendor_{uuid.uuid4().hex[:10]}"
    await _pg_execute(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    try:
        async for running in _start(fake_telegram, _pg_url(name), clock, rulebooks):
            yield running
    finally:
        await _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
