"""A delivery left ``sending`` by a process that died mid-send is sent again by the next sweep;
one whose sender is alive (its claim fresh, or renewed while it retries) is left alone.

Rule: a rare duplicate is better than a missed digest. A live sender
renews its claim every third of FLOORBOT_DIGEST_STALE_SECONDS, so only a dead one's claim
goes stale.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import update
from telegram import Bot

from bot.app.builder import build_services
from bot.app.clock import OffsetClock
from bot.services.digests.runner import DigestRunner
from bot.services.registry import Services
from storage.models import DigestDelivery
from storage.queries import table_of
from tests.digests.conftest import Launch, tick
from tests.digests.world import BOSS, MANAGER, MANAGER_B, deliveries, local, sent_before
from tests.fakebot import TOKEN, FakeTelegram, FakeUser

DUE = local(2026, 7, 15, 18, 0)
STALE = dt.timedelta(seconds=300)  # the default FLOORBOT_DIGEST_STALE_SECONDS
SWEEP_SECONDS = 0.2  # the sweep job's interval in these tests (the real JobQueue runs it)
SWEEPS = 5  # sweeps to let go by before saying that nothing more happens
PEOPLE = (MANAGER, BOSS, MANAGER_B)  # BOSS gets both contracts' digests in one message
Scenario = Callable[..., Awaitable[None]]


def _tries(fake: FakeTelegram) -> list[object]:
    return list(fake.calls_to("sendMessage"))


def _digests(fake: FakeTelegram, user: FakeUser) -> list[str]:
    """The daily digests the user has received."""
    texts = [e.message.get("text", "") for e in fake.events if e.chat_id == user.chat_id]
    return [t for t in texts if t.startswith("📊")]


async def _made_by_a_process_that_died(world: Services) -> None:
    """The 15 July digests made (their deliveries pending) by a process that then stopped."""
    await DigestRunner(world.core, Bot(TOKEN)).make_due(DUE + dt.timedelta(seconds=1))


async def _left_sending(
    world: Services, user: FakeUser, *, claimed_at: dt.datetime, attempts: int = 1
) -> None:
    """As if a process had claimed the user's delivery at ``claimed_at`` and said no more."""
    async with world.sessions() as session:
        table = table_of(DigestDelivery)
        await session.exec(
            update(table)
            .where(table.c.chat_id == user.chat_id)
            .values(state="sending", claim="deadbeef", claimed_at=claimed_at, attempts=attempts)
        )
        await session.commit()


async def _row(world: Services, user: FakeUser) -> DigestDelivery:
    [row] = [d for d in await deliveries(world, "daily") if d.chat_id == user.chat_id]
    return row


async def _sweeps_go_by() -> None:
    await asyncio.sleep(SWEEP_SECONDS * SWEEPS)


async def stale_claim_sent_once_fresh_one_left(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    await _made_by_a_process_that_died(world)
    died = DUE + dt.timedelta(minutes=1)
    await _left_sending(world, MANAGER, claimed_at=died)  # its sender died at 18:01
    clock.set(died + STALE + dt.timedelta(seconds=30))  # 18:06:30: that claim is stale
    fresh = clock.now() - dt.timedelta(seconds=10)
    await _left_sending(world, MANAGER_B, claimed_at=fresh)  # being sent right now
    bot = await launch(digest_poll_seconds=SWEEP_SECONDS)  # its sweeps run on the JobQueue
    await bot.fake.wait_for_message(MANAGER.chat_id)
    await _sweeps_go_by()
    assert len(_digests(bot.fake, MANAGER)) == 1  # sent again, once
    assert len(_digests(bot.fake, BOSS)) == 1  # the pending one, as always
    assert _digests(bot.fake, MANAGER_B) == []  # a fresh claim is left to its sender
    again = await _row(world, MANAGER)
    assert (again.state, again.attempts, again.claim) == ("sent", 2, None)
    left = await _row(world, MANAGER_B)
    assert (left.state, left.claim, left.claimed_at) == ("sending", "deadbeef", fresh)
    clock.advance(STALE)  # its sender never came back either: now it goes out, once
    await bot.fake.wait_for_message(MANAGER_B.chat_id)
    await _sweeps_go_by()
    assert len(_digests(bot.fake, MANAGER_B)) == 1
    assert len(_digests(bot.fake, MANAGER)) == 1
    assert {r.state for r in await deliveries(world, "daily")} == {"sent"}


async def test_a_stale_claim_is_sent_once_by_the_next_sweep_and_a_fresh_one_is_left(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await stale_claim_sent_once_fresh_one_left(world, launch, clock)


async def test_a_delivery_cut_off_as_often_as_it_may_be_tried_is_given_up(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    await _made_by_a_process_that_died(world)
    attempts = world.settings.digest_max_attempts  # it crashed its sender every time
    await _left_sending(world, MANAGER, claimed_at=DUE, attempts=attempts)
    clock.set(DUE + STALE + dt.timedelta(minutes=1))
    bot = await launch(digest_poll_seconds=SWEEP_SECONDS)
    await bot.fake.wait_for_message(BOSS.chat_id)
    await _sweeps_go_by()
    assert _digests(bot.fake, MANAGER) == []
    assert (await _row(world, MANAGER)).state == "unknown"


async def slow_sender_keeps_its_claim(world: Services, launch: Launch, clock: OffsetClock) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    clock.set(DUE - dt.timedelta(minutes=1))
    # Claims go stale after 1.2 s here; every send fails twice (0.6 s, then 1.2 s pauses), so
    # each takes 1.8 s: without renewals another process would send them again.
    quick: dict[str, Any] = {"digest_stale_seconds": 1.2, "digest_retry_seconds": 0.6}
    bot = await launch(api_retries=0, **quick)
    other = build_services(bot.services.settings, clock, dict(world.rulebooks))
    try:
        second = DigestRunner(other.core, bot.app.bot)  # a second process on the same database
        bot.fake.fail_next("sendMessage", 502, "Bad Gateway", times=6)
        clock.set(DUE + dt.timedelta(seconds=1))
        sending = asyncio.create_task(tick(bot))
        tried = len(PEOPLE)  # every parcel claimed and its first try made
        await bot.fake.wait_for_call("sendMessage", lambda _: len(_tries(bot.fake)) >= tried)
        tallies = []
        for _ in range(3):
            await asyncio.sleep(0.45)
            tallies.append(await second.tick())
        first = await sending
    finally:
        await other.engine.dispose()
    assert [(t.reclaimed, t.sent) for t in tallies] == [(0, 0)] * 3
    assert first.sent == 4  # MANAGER, BOSS ×2 (one message), MANAGER_B
    for user in PEOPLE:
        assert len(_digests(bot.fake, user)) == 1
    assert {(r.state, r.attempts) for r in await deliveries(world, "daily")} == {("sent", 1)}


async def test_a_slow_sender_renews_its_claim_and_nothing_is_sent_twice(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await slow_sender_keeps_its_claim(world, launch, clock)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "scenario", [stale_claim_sent_once_fresh_one_left, slow_sender_keeps_its_claim]
)
async def test_on_postgresql(
    pg_world: Services, pg_launch: Launch, clock: OffsetClock, scenario: Scenario
) -> None:
    await scenario(pg_world, pg_launch, clock)
