"""The bot's Bot API transport (bot.app.transport), through the fake Bot API over real HTTP.

The bot is the one bot.app builds (python-telegram-bot's HTTPXRequest and AIORateLimiter, with
floorbot's retries of transient failures); the fake answers a call with a 5xx, a 429, a
refusal, a timeout or a cut connection, and records each call as it arrived.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import ExtBot

from bot.app.builder import build_application, build_services
from tests.bot.conftest import bot_settings
from tests.fakebot import FakeTelegram, FakeUser

# python-telegram-bot 22 warns from inside RetryAfter itself that retry_after will change type.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

INSPECTOR = FakeUser(7101, "张三")
OTHER = FakeUser(7102, "李四")
RETRIES = 2
TIMEOUT = 0.4  # the bot gives up on an answer after 0.4 s
# Telegram's pace, as AIORateLimiter keeps it: 30 at once, then 30 a second.
PER_SECOND = 30
# Seconds a request may take from the limiter to the server beyond the others (on a busy
# machine a request can wait that long for the event loop).
JITTER = 0.5
BURST = 150  # messages: 30 at once, then four seconds' worth


@pytest.fixture
async def bot(fake_telegram: FakeTelegram, database_url: str) -> AsyncIterator[ExtBot[int]]:
    """The Application's bot, as bot.app builds it, talking to the fake Bot API."""
    settings = bot_settings(
        fake_telegram, database_url, api_retries=RETRIES, api_timeout_seconds=TIMEOUT
    )
    services = build_services(settings, rulebooks={})
    app = build_application(services)
    for user in (INSPECTOR, OTHER):
        fake_telegram.know(user)
    try:
        async with app.bot:
            yield app.bot
    finally:
        await services.engine.dispose()


def sent(fake: FakeTelegram, user: FakeUser) -> list[str]:
    """The texts the user received."""
    return [e.message["text"] for e in fake.events if e.chat_id == user.chat_id]


def arrivals(fake: FakeTelegram) -> list[float]:
    return [call.at for call in fake.calls_to("sendMessage")]


@pytest.mark.parametrize(
    "fault",
    [
        lambda fake: fake.fail_next("sendMessage", 502, "Bad Gateway"),
        lambda fake: fake.fail_next("sendMessage", 500, "Internal Server Error"),
        lambda fake: fake.inject_fault("sendMessage", "timeout", delay=TIMEOUT + 0.3),
        lambda fake: fake.inject_fault("sendMessage", "drop"),
    ],
    ids=["502", "500", "timeout", "cut connection"],
)
async def test_a_passing_failure_is_tried_again_and_the_message_arrives_once(
    bot: ExtBot[int], fake_telegram: FakeTelegram, fault: Any
) -> None:
    fault(fake_telegram)
    message = await bot.send_message(INSPECTOR.chat_id, "✅ 已记录 #6：迟到")
    assert message.text == "✅ 已记录 #6：迟到"
    assert sent(fake_telegram, INSPECTOR) == ["✅ 已记录 #6：迟到"]
    assert len(fake_telegram.calls_to("sendMessage")) == 2


async def test_a_lasting_failure_is_raised_after_the_retries(
    bot: ExtBot[int], fake_telegram: FakeTelegram
) -> None:
    fake_telegram.fail_next("sendMessage", 502, "Bad Gateway", times=RETRIES + 1)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(INSPECTOR.chat_id, "✅ 已记录 #6：迟到")
    assert len(fake_telegram.calls_to("sendMessage")) == RETRIES + 1
    assert sent(fake_telegram, INSPECTOR) == []


@pytest.mark.parametrize(
    ("status", "description", "error"),
    [
        (400, "Bad Request: message text is empty", BadRequest),
        (403, "Forbidden: bot was blocked by the user", Forbidden),
        (401, "Unauthorized", InvalidToken),
    ],
)
async def test_a_refusal_is_not_tried_again(
    bot: ExtBot[int],
    fake_telegram: FakeTelegram,
    status: int,
    description: str,
    error: type[TelegramError],
) -> None:
    fake_telegram.fail_next("sendMessage", status, description)
    with pytest.raises(error):
        await bot.send_message(INSPECTOR.chat_id, "✅ 已记录 #6：迟到")
    assert len(fake_telegram.calls_to("sendMessage")) == 1
    assert sent(fake_telegram, INSPECTOR) == []


async def test_a_429_holds_every_call_for_its_retry_after(
    bot: ExtBot[int], fake_telegram: FakeTelegram
) -> None:
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    first = asyncio.ensure_future(bot.send_message(INSPECTOR.chat_id, "first"))
    await fake_telegram.wait_for_call("sendMessage")
    await asyncio.sleep(0.2)  # the 429 came back; the hold has begun
    await bot.send_message(OTHER.chat_id, "second")
    await first
    assert sent(fake_telegram, INSPECTOR) == ["first"]
    assert sent(fake_telegram, OTHER) == ["second"]
    refused, *after = arrivals(fake_telegram)
    assert len(after) == 2
    assert all(at - refused >= 1.0 for at in after)  # retry_after: 1 s


async def test_a_burst_keeps_to_30_messages_a_second(
    bot: ExtBot[int], fake_telegram: FakeTelegram
) -> None:
    users = [FakeUser(8000 + n, f"经理{n}") for n in range(BURST)]
    for user in users:
        fake_telegram.know(user)
    await asyncio.gather(*(bot.send_message(user.chat_id, "日报") for user in users))
    assert all(sent(fake_telegram, user) == ["日报"] for user in users)
    times = sorted(arrivals(fake_telegram))
    assert len(times) == len(users)
    # However the window is placed: at most 30 at once, then 30 more a second.
    for first, start in enumerate(times):
        for last in range(first, len(times)):
            span = times[last] - start
            assert last - first + 1 <= PER_SECOND * (1 + span + JITTER), (first, last, span)
