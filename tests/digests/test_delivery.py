"""The send limiter and the retry rules, on their own."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.services.delivery import Blocked, Refused, SendLimiter, Unavailable, send_with_retries

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def _times(limiter: SendLimiter, chats: list[int]) -> list[float]:
    loop = asyncio.get_running_loop()
    out: list[float] = []

    async def one(chat: int) -> None:
        await limiter.wait(chat)
        out.append(loop.time())

    await asyncio.gather(*(one(c) for c in chats))
    return sorted(out)


async def test_no_window_of_a_second_holds_more_than_the_limit() -> None:
    limiter = SendLimiter(per_second=20, chat_interval=1.0)
    times = await _times(limiter, list(range(50)))
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 20
    assert times[-1] - times[0] >= 2.0  # 50 sends at 20 a second: two full windows at least


async def test_one_chat_gets_one_message_per_interval() -> None:
    limiter = SendLimiter(per_second=30, chat_interval=0.2)
    times = await _times(limiter, [7, 7, 7])
    assert all(later - earlier >= 0.2 for earlier, later in itertools.pairwise(times))


def _script(*outcomes: BaseException | str) -> tuple[Callable[[], Awaitable[str]], list[int]]:
    """A call that fails or succeeds as scripted, and the count of calls made."""
    calls = [0]

    async def call() -> str:
        outcome = outcomes[min(calls[0], len(outcomes) - 1)]
        calls[0] += 1
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return call, calls


async def _nothing() -> None:
    return None


@pytest.mark.parametrize(
    "failure",
    [lambda: NetworkError("Bad Gateway"), TimedOut, lambda: RetryAfter(0)],
    ids=["5xx", "timeout", "429"],
)
async def test_passing_failures_are_retried(failure: Callable[[], BaseException]) -> None:
    call, calls = _script(failure(), failure(), "sent")
    result = await send_with_retries(call, before_retry=_nothing, attempts=3, backoff=0.01)
    assert (result, calls[0]) == ("sent", 3)


@pytest.mark.parametrize(
    ("failure", "raised"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), Blocked),
        (BadRequest("chat not found"), Refused),
    ],
)
async def test_a_blocked_user_or_a_bad_request_is_not_retried(
    failure: BaseException, raised: type[Exception]
) -> None:
    call, calls = _script(failure, "sent")
    with pytest.raises(raised):
        await send_with_retries(call, before_retry=_nothing, attempts=3, backoff=0.01)
    assert calls[0] == 1


async def test_an_outage_gives_up_after_the_attempts() -> None:
    call, calls = _script(NetworkError("Internal Server Error"))
    with pytest.raises(Unavailable, match="Internal Server Error"):
        await send_with_retries(call, before_retry=_nothing, attempts=3, backoff=0.01)
    assert calls[0] == 3
