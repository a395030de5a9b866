"""Delivery when Telegram misbehaves: 5xx and 429 retried and recorded once, a long outage
postponed and sent later, a user who blocked the bot marked and skipped until they write."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from bot.app.clock import OffsetClock
from bot.services.registry import Services
from storage.models import BlockedChat
from tests.digests.conftest import Launch, tick
from tests.digests.world import BOSS, MANAGER, MANAGER_B, deliveries, local, sent_before

# python-telegram-bot 22 warns, while it builds a RetryAfter, that retry_after will become a
# timedelta; the suite turns warnings into errors, so a 429 would fail inside the library.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
DUE = local(2026, 7, 15, 18, 0)
PEOPLE = (MANAGER, BOSS, MANAGER_B)


def _messages(bot_fake: object, chat_id: int) -> list[str]:
    return [e.message.get("text", "") for e in bot_fake.events if e.chat_id == chat_id]  # type: ignore[attr-defined]


async def test_faults_are_retried_with_backoff_and_recorded_once(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    clock.set(DUE - dt.timedelta(minutes=1))
    bot = await launch()
    bot.fake.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    clock.set(DUE + dt.timedelta(seconds=5))
    await tick(bot)
    bot.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    clock.set(DUE + dt.timedelta(days=1, seconds=5))
    await tick(bot)
    for user in PEOPLE:
        assert len(_messages(bot.fake, user.chat_id)) == 2  # 15 and 16 July, once each
    assert len(bot.fake.calls_to("sendMessage")) == 2 * 3 + 2 + 1
    rows = await deliveries(world, "daily")
    assert len(rows) == 8 and {(r.state, r.attempts) for r in rows} == {("sent", 1)}


async def test_a_long_outage_postpones_the_delivery_and_it_goes_out_later(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    clock.set(DUE - dt.timedelta(minutes=1))
    # One try per send here, and none in the bot's HTTP layer (FLOORBOT_API_RETRIES), so that
    # three failures are an outage for the three managers.
    bot = await launch(digest_send_attempts=1, digest_retry_seconds=1, api_retries=0)
    bot.fake.fail_next("sendMessage", 500, "Internal Server Error", times=3)
    clock.set(DUE + dt.timedelta(seconds=5))
    await tick(bot)
    rows = await deliveries(world, "daily")
    assert {(r.state, r.error) for r in rows} == {("pending", "Internal Server Error")}
    assert all(r.next_attempt_at is not None and r.next_attempt_at > clock.now() for r in rows)
    await tick(bot)  # too early for the retry: nothing is sent
    assert all(_messages(bot.fake, u.chat_id) == [] for u in PEOPLE)
    clock.advance(dt.timedelta(minutes=5))
    await tick(bot)
    for user in PEOPLE:
        [text] = _messages(bot.fake, user.chat_id)
        assert text.startswith("📊")
    assert {r.state for r in await deliveries(world, "daily")} == {"sent"}


async def test_a_manager_who_blocked_the_bot_is_marked_and_skipped_until_they_write(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    clock.set(DUE - dt.timedelta(minutes=1))
    bot = await launch()
    bot.fake.block(MANAGER)
    clock.set(DUE + dt.timedelta(seconds=5))
    tally = await tick(bot)
    assert (tally.sent, tally.blocked) == (3, 1)  # BOSS's two contracts in one message
    [row] = [r for r in await deliveries(world, "daily") if r.chat_id == MANAGER.chat_id]
    assert row.state == "blocked" and "blocked by the user" in (row.error or "")
    async with world.sessions() as session:
        assert len((await session.exec(select(BlockedChat))).all()) == 1
    clock.set(DUE + dt.timedelta(days=1, seconds=5))
    await tick(bot)  # the next day: skipped, not even tried
    assert [r.period for r in await deliveries(world) if r.chat_id == MANAGER.chat_id] == [
        "2026-07-15"
    ]
    bot.fake.blocked.clear()  # they unblock the bot and write to it
    await bot.say(MANAGER, "/help")
    async with world.sessions() as session:
        assert (await session.exec(select(BlockedChat))).all() == []
    clock.set(DUE + dt.timedelta(days=2, seconds=5))
    await tick(bot)
    [latest] = [r for r in await deliveries(world) if r.chat_id == MANAGER.chat_id][-1:]
    assert (latest.period, latest.state) == ("2026-07-17", "sent")
