"""Sending pending deliveries: combined per person, through the limiter, claimed just before
the message goes out and recorded right after — sent, blocked, failed, or back to pending
for a later attempt (bot.services.digests.runner runs it in every tick). While a parcel is on its
way its claim is renewed, so that only a claim whose sender died goes stale and is sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from telegram import Bot, Message

from bot.services.core import Core
from bot.services.delivery import (
    Blocked,
    BlockedChats,
    Refused,
    SendLimiter,
    Unavailable,
    send_with_retries,
)
from bot.services.digests.compose import Composer, Parcel, Part, parcels_of
from storage import delivery_queries as dlq
from storage import digest_queries as dq
from storage.db import write_session
from storage.models import DeliveryState

logger = logging.getLogger("floorbot.digests")
# Pending deliveries read per round, and parcels sent side by side (each waits its turn
# in the limiter; more of them only help when a chat's own pace holds one back).
BATCH = 2_000
WORKERS = 16
CLAIM_TOKEN_BYTES = 8
# A claim is renewed this many times per stale period while its parcel is being sent.
RENEWALS_PER_STALE = 3


@dataclass
class Tally:
    """What a tick did, for the log and the tests."""

    made: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    postponed: int = 0
    reclaimed: int = 0  # cut off mid-send by a process that died: pending again
    unknown: int = 0  # cut off mid-send too often: given up
    kinds: dict[str, int] = field(default_factory=dict)


class Sender:
    """Sends what is pending; one per process (its limiter paces every push of the process)."""

    def __init__(
        self, core: Core, bot: Bot, running: Callable[[], bool], blocked: BlockedChats
    ) -> None:
        settings = core.settings
        self.core = core
        self.bot = bot
        self.running = running
        self.limiter = SendLimiter(
            settings.digest_messages_per_second, settings.digest_chat_interval_seconds
        )
        self.blocked = blocked

    async def send_pending(self, tally: Tally) -> None:
        """Send every pending delivery whose time has come, in rounds of BATCH."""
        while self.running():
            now = self.core.clock.now()
            async with self.core.sessions() as session:
                rows = await dlq.pending_deliveries(session=session, now=now, limit=BATCH)
            if not rows:
                return
            settings = self.core.settings
            composer = Composer(
                self.core.rulebooks, settings.default_language, now, settings.webapp_url
            )
            queue: asyncio.Queue[Parcel] = asyncio.Queue()
            for parcel in parcels_of(rows):
                queue.put_nowait(parcel)
            workers = min(WORKERS, queue.qsize())
            done = (tally.sent, tally.blocked, tally.failed, tally.postponed)
            await asyncio.gather(*(self._work(queue, composer, tally) for _ in range(workers)))
            progress = (tally.sent, tally.blocked, tally.failed, tally.postponed) != done
            if len(rows) < BATCH or not progress:
                return

    async def _work(self, queue: asyncio.Queue[Parcel], composer: Composer, tally: Tally) -> None:
        while self.running() and not queue.empty():
            parcel = queue.get_nowait()
            try:
                await self.send_parcel(parcel, composer, tally)
            except Exception:  # one bad parcel must not hold up the others
                logger.exception("delivery to person %s failed", parcel.person_id)

    async def send_parcel(self, parcel: Parcel, composer: Composer, tally: Tally) -> None:
        """Claim the parcel's deliveries in the limiter's turn, send, record the outcome."""
        sessions = self.core.sessions
        try:
            async with sessions() as session:
                await composer.prepare(session, parcel)
        except (LookupError, ValueError) as exc:  # gone, or figures the engine refuses
            logger.exception("the digest for person %s cannot be made", parcel.person_id)
            await self._give_up(parcel, str(exc), tally)
            return
        late_after = dt.timedelta(minutes=self.core.settings.digest_late_after_minutes)
        token = _token()
        async with self.limiter.turn(parcel.chat_id) as turn:
            now = self.core.clock.now()
            async with write_session(sessions) as session:
                claimed = await dlq.claim(session=session, ids=parcel.ids, token=token, now=now)
            if not claimed:
                turn.skip()
                return
            late = now - parcel.due_at > late_after
            parts = composer.parts(parcel, claimed, late=late)
        ids = [c.id or 0 for c in claimed]
        async with self.holding(ids, token):
            await self.deliver(parcel, ids, token, parts, late, tally)

    @contextlib.asynccontextmanager
    async def holding(self, ids: list[int], token: str) -> AsyncIterator[None]:
        """Renew the claim while the body runs (retries and uploads may take minutes)."""
        done = asyncio.Event()
        renewer = asyncio.create_task(self._renew(ids, token, done))
        try:
            yield
        finally:
            done.set()
            await renewer

    async def _renew(self, ids: list[int], token: str, done: asyncio.Event) -> None:
        """Every third of the stale period until ``done``: the parcel is still on its way."""
        every = self.core.settings.digest_stale_seconds / RENEWALS_PER_STALE
        while True:
            try:
                await asyncio.wait_for(done.wait(), every)
                return
            except TimeoutError:
                pass
            if not await self._still_ours(ids, token):
                return

    async def _still_ours(self, ids: list[int], token: str) -> bool:
        """Renew the claim; False when another process took the deliveries as cut off."""
        try:
            async with write_session(self.core.sessions) as session:
                now = self.core.clock.now()
                held = await dlq.renew_claim(session=session, ids=ids, token=token, now=now)
        except Exception:  # the send goes on; a lapsed claim costs at worst a duplicate
            logger.exception("the claim on deliveries %s could not be renewed", ids)
            return True
        if not held:
            logger.warning("deliveries %s were taken as cut off while still being sent", ids)
        return held

    async def deliver(
        self,
        parcel: Parcel,
        ids: list[int],
        token: str,
        parts: list[Part],
        late: bool,
        tally: Tally,
    ) -> None:
        """Send the parts (the first already has its turn) and record how it ended."""
        settings = self.core.settings
        first: int | None = None
        state, error = DeliveryState.SENT, None
        try:
            for index, part in enumerate(parts):
                if index:
                    await self.limiter.wait(parcel.chat_id)
                message = await send_with_retries(
                    functools.partial(self._send, parcel.chat_id, part),
                    before_retry=functools.partial(self.limiter.wait, parcel.chat_id),
                    attempts=settings.digest_send_attempts,
                    backoff=settings.digest_retry_seconds,
                )
                first = first if first is not None else message.message_id
        except Blocked as exc:
            state, error = DeliveryState.BLOCKED, str(exc)
        except Refused as exc:
            state, error = DeliveryState.FAILED, str(exc)
        except Unavailable as exc:
            if first is None:
                await self._postpone(parcel, ids, token, str(exc), tally)
                return
            error = str(exc)
        if first is not None and state is not DeliveryState.SENT:
            # The main message went out: the delivery is sent (never again); the rest is noted.
            error = f"after the first message: {error}"
            state = DeliveryState.SENT
        await self._record(parcel, ids, state, first, late, error, tally)

    async def _send(self, chat_id: int, part: Part) -> Message:
        if part.document is not None:
            return await self.bot.send_document(
                chat_id, part.document, caption=part.caption, filename=part.filename
            )
        if part.photo is not None:
            return await self.bot.send_photo(
                chat_id, part.photo, caption=part.caption, filename=part.filename
            )
        assert part.text is not None
        return await self.bot.send_message(chat_id, part.text, reply_markup=part.markup)

    async def _record(
        self,
        parcel: Parcel,
        ids: list[int],
        state: DeliveryState,
        message_id: int | None,
        late: bool,
        error: str | None,
        tally: Tally,
    ) -> None:
        now = self.core.clock.now()
        async with write_session(self.core.sessions) as session:
            await dlq.finish(
                session=session,
                ids=ids,
                state=state,
                now=now,
                message_id=message_id,
                late=late,
                error=error,
            )
            if state is DeliveryState.BLOCKED:
                await dq.block(session=session, person_id=parcel.person_id, now=now)
        if state is DeliveryState.SENT:
            tally.sent += len(ids)
            tally.kinds[parcel.kind] = tally.kinds.get(parcel.kind, 0) + len(ids)
        elif state is DeliveryState.BLOCKED:
            tally.blocked += len(ids)
            self.blocked.mark(parcel.chat_id, parcel.person_id)
            logger.info("person %s blocked the bot: their digests are skipped", parcel.person_id)
        else:
            tally.failed += len(ids)
            logger.warning("delivery to person %s failed: %s", parcel.person_id, error)

    async def _postpone(
        self, parcel: Parcel, ids: list[int], token: str, error: str, tally: Tally
    ) -> None:
        """Telegram kept failing: try the parcel again later, or give up after enough tries."""
        settings = self.core.settings
        attempts = max(r.attempts for r in parcel.rows) + 1
        if attempts >= settings.digest_max_attempts:
            await self._record(parcel, ids, DeliveryState.FAILED, None, False, error, tally)
            return
        # The pauses go on doubling where the tries of this send left off.
        pause = settings.digest_retry_seconds * 2 ** (settings.digest_send_attempts + attempts)
        at = self.core.clock.now() + dt.timedelta(seconds=pause)
        async with write_session(self.core.sessions) as session:
            await dlq.retry_later(session=session, ids=ids, token=token, at=at, error=error)
        tally.postponed += len(ids)
        logger.warning("delivery to person %s postponed to %s: %s", parcel.person_id, at, error)

    async def _give_up(self, parcel: Parcel, error: str, tally: Tally) -> None:
        now = self.core.clock.now()
        async with write_session(self.core.sessions) as session:
            claimed = await dlq.claim(session=session, ids=parcel.ids, token=_token(), now=now)
        if claimed:
            ids = [c.id or 0 for c in claimed]
            await self._record(parcel, ids, DeliveryState.FAILED, None, False, error, tally)


def _token() -> str:
    return secrets.token_hex(CLAIM_TOKEN_BYTES)
