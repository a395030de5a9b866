"""The rate limiter every Bot API call passes (bot.telegram_retry.RetryingRateLimiter).

Telegram's limits as python-telegram-bot's AIORateLimiter keeps them (30 messages a second
overall, 20 a minute per group), a 429 holding every call for its ``retry_after``, transient
failures tried again and refusals not. The calls here are plain coroutines standing in for
the HTTP request the limiter wraps.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot import telegram_retry
from bot.telegram_retry import RetryingRateLimiter

# python-telegram-bot 22 warns from inside RetryAfter itself that retry_after will change type.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PRIVATE_CHAT = 7001
GROUP_CHAT = -100123


class Api:
    """A stand-in for the Bot API call: records when each call ran; fails as told."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.calls: list[float] = []

    async def __call__(self, name: str) -> dict[str, Any]:
        self.calls.append(time.monotonic())
        if self.failures:
            raise self.failures.pop(0)
        return {"ok": name}


async def _send(
    limiter: RetryingRateLimiter, api: Api, chat_id: int | None, name: str = "x"
) -> Any:
    data: dict[str, Any] = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(api, (name,), {}, "sendMessage", data, None)


@pytest.fixture
def limiter() -> RetryingRateLimiter:
    return RetryingRateLimiter(max_retries=2, network_retries=2)


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_retry, "BACKOFF_SECONDS", (0.01,))


async def test_a_burst_above_30_a_second_is_spread_out(limiter: RetryingRateLimiter) -> None:
    api = Api()
    start = time.monotonic()
    results = await asyncio.gather(*(_send(limiter, api, PRIVATE_CHAT, str(n)) for n in range(40)))
    assert [r["ok"] for r in results] == [str(n) for n in range(40)]
    # 30 at once, then one each 1/30 s: the last ten take a third of a second.
    assert time.monotonic() - start >= 0.3
    assert max(api.calls[:30]) - start < 0.2


async def test_a_group_gets_20_messages_a_minute(limiter: RetryingRateLimiter) -> None:
    api = Api()
    for n in range(20):
        await _send(limiter, api, GROUP_CHAT, str(n))
    late = asyncio.ensure_future(_send(limiter, api, GROUP_CHAT, "21st"))
    await asyncio.sleep(0.3)
    assert not late.done() and len(api.calls) == 20
    late.cancel()
    await _send(limiter, api, PRIVATE_CHAT)  # a private chat is not held by the group's budget
    assert len(api.calls) == 21


async def test_calls_without_a_chat_are_not_counted(limiter: RetryingRateLimiter) -> None:
    api = Api()
    start = time.monotonic()
    await asyncio.gather(*(_send(limiter, api, None) for _ in range(60)))
    assert time.monotonic() - start < 0.2


async def test_a_429_holds_every_call_for_its_retry_after(limiter: RetryingRateLimiter) -> None:
    api = Api(RetryAfter(1))
    start = time.monotonic()
    first = asyncio.ensure_future(_send(limiter, api, PRIVATE_CHAT, "first"))
    await asyncio.sleep(0.05)  # the 429 came back; the hold has begun
    second = await _send(limiter, api, PRIVATE_CHAT, "second")
    assert (await first, second) == ({"ok": "first"}, {"ok": "second"})
    assert all(at - start >= 1.1 for at in api.calls[1:])  # 1 s asked for, plus the margin


async def test_429s_beyond_the_retries_are_raised(limiter: RetryingRateLimiter) -> None:
    api = Api(RetryAfter(0), RetryAfter(0), RetryAfter(0))
    with pytest.raises(RetryAfter):
        await _send(limiter, api, PRIVATE_CHAT)
    assert len(api.calls) == 3  # the call and its two retries


@pytest.mark.parametrize("failure", [NetworkError("connection reset"), TimedOut()])
async def test_a_passing_failure_is_tried_again(
    limiter: RetryingRateLimiter, failure: BaseException
) -> None:
    api = Api(failure)
    assert await _send(limiter, api, PRIVATE_CHAT, "again") == {"ok": "again"}
    assert len(api.calls) == 2


async def test_a_refusal_or_a_lasting_failure_is_raised(limiter: RetryingRateLimiter) -> None:
    refused = Api(BadRequest("Bad Request: chat not found"))
    with pytest.raises(BadRequest):
        await _send(limiter, refused, PRIVATE_CHAT)
    assert len(refused.calls) == 1
    down = Api(*(NetworkError("down") for _ in range(3)))
    with pytest.raises(NetworkError, match="down"):
        await _send(limiter, down, PRIVATE_CHAT)
    assert len(down.calls) == 3
