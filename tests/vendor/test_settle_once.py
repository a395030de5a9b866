"""Two managers deciding the same dispute at the same moment settle it once, on SQLite and
PostgreSQL (the PostgreSQL cases skip unless FLOORBOT_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.services.actors import TelegramUser, load_actor
from bot.services.decisions import Decided, decide
from bot.services.errors import BotError
from bot.services.findings import Outcome
from bot.services.permissions import Actor
from storage.bot_queries import person_by_telegram_id
from storage.db import write_session
from storage.dispute_queries import add_dispute, settle
from storage.models import DisputeStatus, Entry
from tests.bot.world import MANAGER, VENDOR, A, actions
from tests.fakebot import FakeUser
from tests.vendor.conftest import Running
from tests.vendor.world import MANAGER_2, disputes, finding

Scenario = Callable[[Running], Awaitable[None]]
HELD = 0.3  # seconds the first decision holds its transaction open


async def _open_dispute(bot: Running) -> tuple[int, int]:
    entry_id = await finding(bot, A, "dress_code")
    async with write_session(bot.services.sessions) as session:
        vendor = await person_by_telegram_id(session=session, telegram_user_id=VENDOR.id)
        entry = await session.get(Entry, entry_id)
        assert vendor is not None and vendor.id is not None and entry is not None
        dispute = await add_dispute(
            session=session,
            entry=entry,
            reason="着装合规",
            opened_by_id=vendor.id,
            now=bot.clock.now(),
        )
    assert dispute.id is not None
    return entry_id, dispute.id


async def _actor(bot: Running, user: FakeUser) -> Actor:
    async with bot.services.sessions() as session:
        return await load_actor(session, TelegramUser(user.id, user.first_name, "zh"), "zh")


async def both_decide_at_once(bot: Running) -> None:
    """decide() from two transactions at once: one decision, the other told who decided."""
    entry_id, dispute_id = await _open_dispute(bot)
    first, second = await _actor(bot, MANAGER), await _actor(bot, MANAGER_2)

    async def one(actor: Actor, outcome: Outcome) -> Decided | BotError:
        try:
            async with write_session(bot.services.sessions) as session:
                return await decide(
                    session,
                    actor=actor,
                    rulebooks=bot.services.rulebooks,
                    dispute_id=dispute_id,
                    outcome=outcome,
                    text="核实",
                    now=bot.clock.now(),
                    default_days=3,
                )
        except BotError as error:
            return error

    results = await asyncio.gather(one(first, Outcome.WITHDRAW), one(second, Outcome.UPHOLD))
    decided = [r for r in results if isinstance(r, Decided)]
    refused = [r.key for r in results if isinstance(r, BotError)]
    assert len(decided) == 1 and refused == ["already_decided"]
    [stored] = await disputes(bot)
    assert stored.status == decided[0].dispute.status
    states = [a.state for a in await actions(bot.services, entry_id) if a.kind == "state"]
    assert len(states) == 1  # the entry was acted on once


async def the_second_update_finds_it_settled(bot: Running) -> None:
    """The conditional UPDATE itself: the second waits for the first and changes nothing."""
    _, dispute_id = await _open_dispute(bot)
    async with write_session(bot.services.sessions) as session:
        manager = await person_by_telegram_id(session=session, telegram_user_id=MANAGER.id)
        other = await person_by_telegram_id(session=session, telegram_user_id=MANAGER_2.id)
    assert manager and manager.id and other and other.id
    now = bot.clock.now()

    async def second() -> bool:
        async with write_session(bot.services.sessions) as session:
            return await settle(
                session=session,
                dispute_id=dispute_id,
                status=DisputeStatus.UPHELD,
                resolved_by_id=other.id or 0,
                resolution="second",
                now=now,
            )

    async with write_session(bot.services.sessions) as session:
        assert await settle(
            session=session,
            dispute_id=dispute_id,
            status=DisputeStatus.WITHDRAWN,
            resolved_by_id=manager.id,
            resolution="first",
            now=now,
        )
        late = asyncio.create_task(second())
        await asyncio.sleep(HELD)
        assert not late.done()  # it waits for the first transaction
    assert await late is False
    [stored] = await disputes(bot)
    assert (stored.status, stored.resolution) == ("withdrawn", "first")


SCENARIOS: list[Scenario] = [both_decide_at_once, the_second_update_finds_it_settled]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
async def test_on_sqlite(vbot: Running, scenario: Scenario) -> None:
    await scenario(vbot)


@pytest.mark.postgres
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
async def test_on_postgresql(pg_vbot: Running, scenario: Scenario) -> None:
    await scenario(pg_vbot)
