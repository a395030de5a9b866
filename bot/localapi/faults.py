"""Network trouble the fake Bot API can cause, and a webhook that is retried as Telegram does.

``inject_fault(method, kind)`` makes the next calls of a Bot API method (or ``"file"``, the file
downloads) go wrong before the method does anything, so a client that retries them loses
nothing and sends nothing twice:

- ``timeout``: the answer comes only after ``delay`` seconds (longer than the client waits);
- ``drop``: the connection is closed without an answer.

(Error answers — 429 with ``retry_after``, 5xx — are ``fail_next``.) With ``retry_webhook``
on, an update whose webhook call fails (refused, cut, not 2xx) is kept and posted again until
the bot takes it, in order, like Telegram does; ``settled`` waits until the bot has confirmed
every update, by either route.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from enum import StrEnum
from http import HTTPStatus

import aiohttp
from aiohttp import web

from bot.localapi.objects import JsonDict
from bot.localapi.state import FakeState

WEBHOOK_RETRY_SECONDS = 0.1
SETTLE_POLL_SECONDS = 0.05


class Trouble(StrEnum):
    TIMEOUT = "timeout"
    DROP = "drop"


@dataclass(slots=True)
class Injected:
    kind: Trouble
    remaining: int
    delay: float


@dataclass
class FaultInjection(FakeState):
    """The fake server's fault injection and webhook retries (mixed into BotApiMethods)."""

    retry_webhook: bool = False
    webhook_failures: int = 0  # webhook calls that failed (and were kept to be retried)
    _troubles: dict[str, Injected] = field(default_factory=dict)
    _backlog: list[JsonDict] = field(default_factory=list)
    _retrier: asyncio.Task[None] | None = None

    def inject_fault(
        self, method: str, kind: Trouble | str, *, times: int = 1, delay: float = 2.0
    ) -> None:
        """Make the next ``times`` calls of ``method`` (or ``"file"``) time out or be cut."""
        self._troubles[method.lower()] = Injected(Trouble(kind), times, delay)

    async def _trouble(self, request: web.Request, method: str) -> web.StreamResponse | None:
        """Cause the injected trouble for this call, if any (the method then does nothing)."""
        trouble = self._troubles.get(method.lower())
        if trouble is None or trouble.remaining <= 0:
            return None
        trouble.remaining -= 1
        if trouble.kind is Trouble.TIMEOUT:
            await asyncio.sleep(trouble.delay)
            return web.json_response(
                {"ok": False, "error_code": 504, "description": "Gateway Timeout"}, status=504
            )
        if request.transport is not None:
            request.transport.abort()  # the client sees the connection cut, with no answer
        return web.Response(status=HTTPStatus.BAD_GATEWAY)  # never written: nobody listens

    # -- the webhook, retried ---------------------------------------------------------------

    async def _deliver_webhook(self, update: JsonDict) -> None:
        if not self.retry_webhook:
            await self._post_webhook(update)
            return
        if self._backlog or not await self._try_post(update):
            self._backlog.append(update)
            if self._retrier is None:
                self._retrier = asyncio.create_task(self._retry_backlog())

    async def _try_post(self, update: JsonDict) -> bool:
        try:
            await self._post_webhook(update)
        except (aiohttp.ClientError, OSError, TimeoutError):
            self.webhook_failures += 1
            return False
        return True

    async def _retry_backlog(self) -> None:
        try:
            while self._backlog and not self._closing:
                if await self._try_post(self._backlog[0]):
                    self._backlog.pop(0)
                else:
                    await asyncio.sleep(WEBHOOK_RETRY_SECONDS)
        finally:
            self._retrier = None

    def unconfirmed(self) -> int:
        """Updates the bot has not confirmed yet (not acknowledged by getUpdates or webhook)."""
        return len(self._updates) + len(self._backlog)

    async def settled(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has confirmed every update (polling offset or webhook answer)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.unconfirmed():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{self.unconfirmed()} update(s) never confirmed by the bot")
            await asyncio.sleep(SETTLE_POLL_SECONDS)

    async def _stop_retries(self) -> None:
        if self._retrier is not None:
            self._retrier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retrier
