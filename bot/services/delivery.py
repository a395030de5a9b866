"""Pushing messages at Telegram's pace: the send limiter, and retries that know what failed.

Telegram allows about 30 messages a second overall and one a second in a chat. The limiter
holds both, counted when a message is actually handed over, with a small margin, so a
fan-out to many managers meets no 429. What goes wrong anyway is told apart: a RetryAfter
waits as long as Telegram says, a timeout or a 5xx is retried with growing pauses, a user who
blocked the bot (Forbidden) is reported at once, and a refusal (400) is final. Also here: the
process's view of who has blocked the bot (BlockedChats).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.app.transport import retry_seconds

T = TypeVar("T")
# Telegram counts over a second; the limiter counts over a slightly longer window (and
# spaces a chat's messages slightly more) so that jitter on the way cannot make a burst.
WINDOW_SECONDS = 1.0
MARGIN = 0.04
# Per-chat "next allowed" times kept before old ones are forgotten.
CHAT_MEMORY = 10_000


class Blocked(Exception):
    """The user blocked the bot (or deleted their account): do not send again."""


class Refused(Exception):
    """Telegram refused the message for good (a bad request, an unknown chat)."""


class Unavailable(Exception):
    """Telegram or the network kept failing; the message may be tried again later."""


class Turn:
    """A place in the send queue; ``skip()`` when nothing was sent after all."""

    skipped = False

    def skip(self) -> None:
        self.skipped = True


class SendLimiter:
    """At most ``per_second`` messages a second overall and one per ``chat_interval`` a chat."""

    def __init__(self, per_second: float, chat_interval: float) -> None:
        self.limit = max(1, int(per_second * WINDOW_SECONDS))
        self.window = WINDOW_SECONDS * (1 + MARGIN)
        self.chat_interval = chat_interval * (1 + MARGIN)
        self._sent: deque[float] = deque()
        self._chat_next: dict[int, float] = {}
        self._lock = asyncio.Lock()

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def _window_wait(self, now: float) -> float:
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        return 0.0 if len(self._sent) < self.limit else self._sent[0] + self.window - now

    async def _acquire(self, chat_id: int) -> None:
        """Take the lock once the chat may be written to and the window has room."""
        while True:
            wait = self._chat_next.get(chat_id, 0.0) - self._now()
            if wait > 0:
                await asyncio.sleep(wait)
            await self._lock.acquire()
            if self._chat_next.get(chat_id, 0.0) <= self._now():
                break
            self._lock.release()
        wait = self._window_wait(self._now())
        while wait > 0:
            await asyncio.sleep(wait)
            wait = self._window_wait(self._now())

    def _record(self, chat_id: int) -> None:
        now = self._now()
        self._sent.append(now)
        if len(self._chat_next) > CHAT_MEMORY:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        self._chat_next[chat_id] = now + self.chat_interval

    @asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[Turn]:
        """Wait for a slot; the body runs alone (keep it short), the send follows at once."""
        await self._acquire(chat_id)
        turn = Turn()
        try:
            yield turn
            if not turn.skipped:
                self._record(chat_id)
        finally:
            self._lock.release()

    async def wait(self, chat_id: int) -> None:
        """Wait for a slot and take it (for a message sent straight after)."""
        async with self.turn(chat_id):
            pass


class BlockedChats:
    """Who has blocked the bot, as a hint for the update path; and who wrote since.

    The ``blocked_chats`` table is the truth, shared by every process; this is one process's
    view of it, reloaded every few seconds (``reload``) and told at once about blocks found by
    this process (``mark``). Every update calls ``wrote``: a set look-up, no query. A hinted
    user is unmarked at once; any other writer is remembered, and the next reload unmarks the
    ones the table holds — so a block marked by another process since the last reload is
    lifted too, a few seconds late. Unmarking someone who wrote just before being marked only
    costs one refused send; keeping a manager who wrote marked would cost their digests.
    """

    def __init__(self) -> None:
        self._hint: dict[int, int] = {}  # Telegram user id → person id
        self._seen: set[int] = set()

    def __contains__(self, telegram_id: object) -> bool:
        return telegram_id in self._hint

    def mark(self, telegram_id: int, person_id: int) -> None:
        """This process found that the person blocked the bot."""
        self._hint[telegram_id] = person_id

    def wrote(self, telegram_id: int) -> int | None:
        """The user wrote to the bot: their person id when they are hinted as blocked."""
        self._seen.add(telegram_id)
        return self._hint.pop(telegram_id, None)

    def take_seen(self) -> set[int]:
        """Who wrote since the last reload (the next writers go into a fresh set)."""
        seen, self._seen = self._seen, set()
        return seen

    def seen_again(self, seen: set[int]) -> None:
        """Put writers back for the next reload (this one failed)."""
        self._seen |= seen

    def reload(self, marked: dict[int, int]) -> None:
        """The table as read now (minus the people just unmarked)."""
        self._hint = dict(marked)


async def send_with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    before_retry: Callable[[], Awaitable[None]],
    attempts: int,
    backoff: float,
) -> T:
    """``call()``, retried on RetryAfter, timeouts, dropped connections and 5xx answers."""
    pause = backoff
    for attempt in range(attempts):
        if attempt:
            await before_retry()
        try:
            return await call()
        except RetryAfter as exc:
            wait, reason = retry_seconds(exc), str(exc)
        except Forbidden as exc:
            raise Blocked(str(exc)) from exc
        except BadRequest as exc:
            raise Refused(str(exc)) from exc
        except NetworkError as exc:  # timeouts, dropped connections, 5xx
            wait, reason = pause, str(exc) or type(exc).__name__
            pause *= 2
        except TelegramError as exc:
            raise Refused(str(exc)) from exc
        if attempt == attempts - 1:
            raise Unavailable(reason)
        await asyncio.sleep(wait)
    raise Unavailable("no attempts")
