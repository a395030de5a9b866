"""Calls to the Bot API that survive Telegram's bad moments: 429, 5xx, timeouts, cut connections.

Every Bot API call goes through the rate limiter (:class:`RetryingRateLimiter`: the limits of
python-telegram-bot's AIORateLimiter, 30 messages a second, and a 429's ``retry_after`` waited
out), which also tries again, with a growing pause, after a failure of the network or of
Telegram's side: a 5xx answer, a timeout, a connection that was refused or cut. Refusals
(400 Bad Request, 403, 401) are final and are not retried.

The Bot API has no idempotency key. A call that timed out or was cut may have been carried out
before the answer was lost; trying it again may then show a message twice. That is the
lesser harm: a lost confirmation makes an inspector report again, and a report twice in the
ledger costs the vendor money. Downloads of files (evidence photos) do not go through the
rate limiter and use :func:`with_retries`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger("floorbot.telegram")

T = TypeVar("T")
# Pauses (seconds) before the 1st, 2nd, ... retry; the last one repeats.
BACKOFF_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)
DOWNLOAD_RETRIES = len(BACKOFF_SECONDS)
# As python-telegram-bot's AIORateLimiter: a little more than a 429 asks for; and the number
# of group budgets kept before the idle ones are forgotten.
RETRY_AFTER_MARGIN = 0.1
MAX_IDLE_GROUPS = 512


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


class RetryingRateLimiter(BaseRateLimiter[int]):
    """Telegram's flood limits, 429s waited out, transient failures retried (see the module).

    The limits and the 429 handling are python-telegram-bot's ``AIORateLimiter``'s: at most
    30 messages a second overall (calls that name a chat), 20 a minute per group or channel,
    a separate budget for paid broadcasts; a 429 holds every call until its ``retry_after``
    has passed, up to ``max_retries`` times per call (``rate_limit_args`` may say otherwise).
    Written out in one coroutine because every Bot API call passes here: ``AIORateLimiter``
    wrapped in a retrying layer was four coroutines and two context managers per call.
    """

    def __init__(self, *, max_retries: int, network_retries: int) -> None:
        self._max_retries = max_retries
        self._network_retries = network_retries
        self._overall = AsyncLimiter(FloodLimit.MESSAGES_PER_SECOND, 1)
        self._paid = AsyncLimiter(FloodLimit.PAID_MESSAGES_PER_SECOND, 1)
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._clear = asyncio.Event()  # cleared while a 429's retry_after runs
        self._clear.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        limiters = self._limiters(data)
        floods = rate_limit_args or self._max_retries
        flood = failure = 0
        while True:
            try:
                if not self._clear.is_set():
                    await self._clear.wait()
                for limiter in limiters:
                    await limiter.acquire()
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if flood == floods:
                    logger.error("%s: still rate limited after %d retries", endpoint, floods)
                    raise
                flood += 1
                await self._hold(retry_seconds(exc) + RETRY_AFTER_MARGIN)
            except NetworkError as exc:
                if not transient(exc) or failure == self._network_retries:
                    raise
                await _pause(failure, endpoint, exc)
                failure += 1

    def _limiters(self, data: dict[str, Any]) -> tuple[AsyncLimiter, ...]:
        """The budgets a call spends: overall when it names a chat, and its group's."""
        if data.get("allow_paid_broadcast", False):
            return (self._paid,)
        chat_id = data.get("chat_id")
        if chat_id is None:
            return ()
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdecimal():
            chat_id = int(chat_id)  # (a chat id may come as a string; "@name" is a channel)
        group = isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
        return (self._group(chat_id), self._overall) if group else (self._overall,)

    def _group(self, chat_id: int | str) -> AsyncLimiter:
        limiter = self._groups.get(chat_id)
        if limiter is None:
            if len(self._groups) > MAX_IDLE_GROUPS:  # forget groups whose budget is whole
                idle = [k for k, v in self._groups.items() if v.has_capacity(v.max_rate)]
                for key in idle:
                    del self._groups[key]
            limiter = self._groups[chat_id] = AsyncLimiter(
                FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, 60
            )
        return limiter

    async def _hold(self, seconds: float) -> None:
        """Hold every call for ``seconds`` (a 429: Telegram said how long)."""
        logger.info("rate limited: waiting %.1f s", seconds)
        self._clear.clear()
        try:
            await asyncio.sleep(seconds)
        finally:
            self._clear.set()


def retry_seconds(error: RetryAfter) -> float:
    """How long a 429 asks to wait (python-telegram-bot 22 warns that its type will change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
