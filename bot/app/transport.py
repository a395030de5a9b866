"""How the bot talks to the Bot API: its HTTP requests, the rate limiter, the retry helpers.

Calls go through python-telegram-bot's own ``HTTPXRequest`` (its connection pools, its
encoding) and its ``AIORateLimiter``: Telegram's flood limits (30 messages a second overall,
20 a minute per group or channel), and a 429 holding every call until its ``retry_after``
has passed. :class:`RateLimiter` adds, on that class's public API, one more policy: a failure
of the network or of Telegram's side (a 5xx answer, a timeout, a connection refused or cut)
is tried again with a growing pause, ``settings.api_retries`` times. Refusals (400 Bad
Request, 401, 403) are final and are not retried.

The Bot API has no idempotency key. A call that timed out or was cut may have been carried out
before the answer was lost; trying it again may then show a message twice. That is the
lesser harm: a lost confirmation makes an inspector report again, and a report twice in the
ledger costs the vendor money. Downloads of files (evidence photos) do not pass the rate
limiter and use :func:`with_retries`; :func:`retry_seconds` reads a 429's wait.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger("floorbot.telegram")

T = TypeVar("T")
Answer = bool | dict[str, Any] | list[dict[str, Any]]
# Pauses (seconds) before the 1st, 2nd, ... retry; the last one repeats.
BACKOFF_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)
DOWNLOAD_RETRIES = len(BACKOFF_SECONDS)
RATE_LIMIT_RETRIES = 3  # 429s waited out per call before it fails
BOT_CONNECTIONS = 256  # (as python-telegram-bot's ApplicationBuilder; one for getUpdates)


def bot_request(timeout: float) -> HTTPXRequest:
    """The request object for every Bot API call but ``getUpdates``: answers within ``timeout``."""
    return HTTPXRequest(BOT_CONNECTIONS, read_timeout=timeout)


def updates_request(timeout: float) -> HTTPXRequest:
    """The request object for ``getUpdates`` (one connection; the long poll adds its own time)."""
    return HTTPXRequest(1, read_timeout=timeout)


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
            pause = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]
            logger.warning("%s failed (%s); trying again in %.1f s", what, exc, pause)
            await asyncio.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


class RateLimiter(AIORateLimiter):
    """python-telegram-bot's AIORateLimiter, with transient failures tried again (see the module).

    The retries run inside the call's turn of the flood budget, so they are not counted again;
    a 429 met on a retry is AIORateLimiter's to wait out, as on the first try.
    """

    def __init__(self, *, network_retries: int, max_retries: int = RATE_LIMIT_RETRIES) -> None:
        super().__init__(max_retries=max_retries)
        self.network_retries = network_retries

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        async def retried(*call_args: Any, **call_kwargs: Any) -> Answer:
            return await with_retries(
                lambda: callback(*call_args, **call_kwargs), self.network_retries, endpoint
            )

        return await super().process_request(retried, args, kwargs, endpoint, data, rate_limit_args)


def retry_seconds(error: RetryAfter) -> float:
    """How long a 429 asks to wait (python-telegram-bot 22 warns that its type will change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
