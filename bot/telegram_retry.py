"""Calls to the Bot API that survive Telegram's bad moments: 429, 5xx, timeouts, cut connections.

Every Bot API call goes through the rate limiter (python-telegram-bot's AIORateLimiter, which
keeps to Telegram's 30 messages a second and waits out a 429's ``retry_after``); this one also
tries again, with a growing pause, after a failure of the network or of Telegram's side: a
5xx answer, a timeout, a connection that was refused or cut. Refusals (400 Bad Request, 403,
401) are final and are not retried.

The Bot API has no idempotency key. A call that timed out or was cut may have been carried out
before the answer was lost; trying it again may then show a message twice. That is the
lesser harm: a lost confirmation makes an inspector report again, and a report twice in the
ledger costs the vendor money. Downloads of files (evidence photos) do not go through the
rate limiter and use :func:`with_retries`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

logger = logging.getLogger("floorbot.telegram")

T = TypeVar("T")
# Pauses (seconds) before the 1st, 2nd, ... retry; the last one repeats.
BACKOFF_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)
DOWNLOAD_RETRIES = len(BACKOFF_SECONDS)


def transient(error: BaseException) -> bool:
    """A failure worth trying again: the network or Telegram's side, not a refusal."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def with_retries(call: Callable[[], Awaitable[T]], retries: int, what: str) -> T:
    """``await call()``, tried again up to ``retries`` times after a transient failure."""
    for attempt in range(retries + 1):
        try:
            return await call()
        except NetworkError as exc:
            if not transient(exc) or attempt == retries:
                raise
            await _pause(attempt, what, exc)
    raise AssertionError("unreachable")  # pragma: no cover


async def _pause(attempt: int, what: str, error: NetworkError) -> None:
    pause = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
    logger.warning("%s failed (%s); trying again in %.1f s", what, error, pause)
    await asyncio.sleep(pause)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries transient failures (see the module)."""

    def __init__(self, *, max_retries: int, network_retries: int) -> None:
        super().__init__(max_retries=max_retries)
        self._network_retries = network_retries

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        # with_retries, written out: every Bot API call passes here (two coroutines fewer).
        retries = self._network_retries
        for attempt in range(retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                if not transient(exc) or attempt == retries:
                    raise
                await _pause(attempt, endpoint, exc)
        raise AssertionError("unreachable")  # pragma: no cover
