"""The outbox: messages the bot owes people — a report's confirmation with its Undo button, a
dispute's notices to the managers, a decision's to the vendor lead and the inspector — kept in
the database in the transaction of what they tell, so that an outage of the Bot API loses none.

A request writes its messages with :meth:`Outbox.keep` inside its unit of work. A report's
confirmation is written claimed by this process when its chat owes nothing older, and the
handler sends it at once after the commit (:meth:`Outbox.send`); how that went is noted in
memory and written by the next round, so that the report stays one write transaction. Every
other message, and every one whose send failed, is sent by a round (:meth:`Outbox.deliver`,
a job on every bot process and right after a dispute or a decision): oldest first in each
chat, a chat held back while an older message of it is on its way or waiting for its retry,
each claimed before it is sent (one conditional UPDATE: once, whichever process sends it) and
recorded right after. A send that fails for Telegram's or the network's sake is tried again,
the pauses doubling up to ``outbox_retry_max_seconds``, for as long as it takes; a blocked
chat or a refusal is final. A claim whose process died mid-send is put back after
``outbox_stale_seconds`` (then the message may arrive twice: the lesser harm, as in
bot.app.transport).

The Undo window is counted from when the confirmation arrived (bot.services.recording reads
it here: :func:`undo_opened_at`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.services.core import Core
from bot.services.delivery import Blocked, Refused, SendLimiter, Unavailable, send_with_retries
from storage import outbox_queries as oq
from storage.db import write_session
from storage.models import DeliveryState, OutboxMessage

logger = logging.getLogger("floorbot.outbox")
CLAIM_TOKEN_BYTES = 8
BATCH = 500  # unsent messages read per round
WORKERS = 8  # chats served side by side in a round

Rows = tuple[tuple[tuple[str, str], ...], ...]  # buttons: rows of (label, callback data)


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to send: to whom, what, its buttons; a confirmation names its report and
    its Undo window."""

    chat_id: int
    kind: str
    text: str
    buttons: Rows = ()
    photo: str | None = None  # a Telegram file id; ``text`` is then its caption
    entry_id: int | None = None
    undo_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Queued:
    """Messages kept in the outbox; ``claim`` when they are this process's to send at once."""

    ids: tuple[int, ...]
    notices: tuple[Notice, ...]
    claim: str | None = None


NOTHING = Queued((), ())


@dataclass(frozen=True, slots=True)
class Delivered:
    """A message that arrived (for the Undo button's expiry)."""

    chat_id: int
    message_id: int
    kind: str
    entry_id: int | None
    undo_minutes: int | None


async def undo_opened_at(
    session: AsyncSession, *, entry_id: int, recorded_at: dt.datetime, now: dt.datetime
) -> dt.datetime:
    """When the report's Undo window opened: when its confirmation arrived — or, while its
    arrival is not written yet, when its send began; ``now`` while it waits to be sent again
    (the window has not started). When it was recorded for a report without one in the
    outbox (the guided report's card, or one from before the outbox), or whose confirmation
    will never arrive (blocked, refused)."""
    confirmation = await oq.confirmation_of(session=session, entry_id=entry_id)
    if confirmation is None:
        return recorded_at
    state = confirmation.state
    if state is DeliveryState.SENT and confirmation.sent_at is not None:
        return max(recorded_at, confirmation.sent_at)
    if state is DeliveryState.SENDING and confirmation.claimed_at is not None:
        return max(recorded_at, confirmation.claimed_at)
    if state is DeliveryState.PENDING:
        return now
    return recorded_at


class Outbox:
    """One per process: keeps, sends and resends the messages the bot owes (see the module)."""

    def __init__(self, core: Core) -> None:
        self.core = core
        settings = core.settings
        self.limiter = SendLimiter(
            settings.digest_messages_per_second, settings.digest_chat_interval_seconds
        )
        # How this process's sends went, written by the next round (or at shut-down).
        self._sent: dict[int, oq.Sent] = {}
        self._retry: dict[int, str] = {}
        self._final: dict[int, tuple[DeliveryState, str]] = {}
        self._round = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """A round is running in this process."""
        return self._round.locked()

    # -- inside a unit of work ----------------------------------------------------------------

    async def keep(
        self,
        session: AsyncSession,
        notices: Sequence[Notice],
        *,
        now: dt.datetime,
        send_now: bool = False,
    ) -> Queued:
        """Write the messages; with ``send_now`` (one chat) claim them for the caller when the
        chat owes nothing older (a round sends them otherwise, after the older ones)."""
        if not notices:
            return NOTHING
        token = None
        if send_now:
            chats = {n.chat_id for n in notices}
            assert len(chats) == 1, "messages sent at once go to one chat"
            older = await oq.unsent_in_chat(session=session, chat_id=chats.pop())
            if not set(older) - self._sent.keys():  # (sent by this process, not yet written)
                token = secrets.token_hex(CLAIM_TOKEN_BYTES)
        rows = [_row(n) for n in notices]
        ids = await oq.add_messages(session=session, rows=rows, now=now, claim=token)
        return Queued(tuple(ids), tuple(notices), token)

    # -- after the commit ---------------------------------------------------------------------

    async def send(self, bot: Bot, queued: Queued) -> list[Delivered]:
        """Send what was kept: at once when it was claimed for us, else by a round of its
        chats. What failed for Telegram's sake is sent again later; a refusal is raised."""
        if not queued.ids:
            return []
        if queued.claim is None:
            return await self.deliver(bot, chats=sorted({n.chat_id for n in queued.notices}))
        delivered: list[Delivered] = []
        for index, (row_id, notice) in enumerate(zip(queued.ids, queued.notices, strict=True)):
            try:
                message = await send_with_retries(
                    functools.partial(_send, bot, notice),
                    before_retry=_nothing,
                    attempts=1,  # (the transport tries a failed call again itself)
                    backoff=0,
                )
            except Unavailable as exc:
                logger.warning("message %s postponed: %s", row_id, exc)
                self._retry.update((i, str(exc)) for i in queued.ids[index:])
                return delivered
            except Blocked as exc:
                self._final[row_id] = (DeliveryState.BLOCKED, str(exc))
                continue
            except Refused as exc:
                failed = queued.ids[index:]
                self._final.update((i, (DeliveryState.FAILED, str(exc))) for i in failed)
                raise
            self._sent[row_id] = oq.Sent(row_id, message.message_id, self.core.clock.now())
            delivered.append(_delivered(notice.chat_id, message, notice))
        return delivered

    async def deliver(self, bot: Bot, *, chats: Sequence[int] | None = None) -> list[Delivered]:
        """A round: write how this process's sends went, put back claims gone stale, then send
        what is due, oldest first in each chat (of ``chats``, or of everyone)."""
        async with self._round:
            await self.write_outcomes()
            now = self.core.clock.now()
            async with self.core.sessions() as session:
                rows = await oq.unsent(session=session, limit=BATCH, chats=chats)
            stale_before = now - dt.timedelta(seconds=self.core.settings.outbox_stale_seconds)
            if any(_stale(r, stale_before) for r in rows):
                async with write_session(self.core.sessions) as session:
                    put_back = await oq.reclaim_stale(session=session, claimed_before=stale_before)
                logger.warning("%d message(s) cut off mid-send are sent again", put_back)
                async with self.core.sessions() as session:
                    rows = await oq.unsent(session=session, limit=BATCH, chats=chats)
            by_chat = [list(g) for _, g in groupby(sorted(rows, key=_chat_order), _chat_of)]
            delivered: list[Delivered] = []
            gate = asyncio.Semaphore(WORKERS)

            async def serve(chat_rows: list[OutboxMessage]) -> None:
                async with gate:
                    delivered.extend(await self._send_chat(bot, chat_rows))

            await asyncio.gather(*(serve(c) for c in by_chat))
            return delivered

    async def write_outcomes(self) -> None:
        """Write how this process's own sends went (sent, to retry, final)."""
        sent, self._sent = self._sent, {}
        retry, self._retry = self._retry, {}
        final, self._final = self._final, {}
        if not (sent or retry or final):
            return
        try:
            async with write_session(self.core.sessions) as session:
                await oq.mark_sent(session=session, sent=list(sent.values()))
                now, errors = self.core.clock.now(), "; ".join(sorted(set(retry.values())))
                await oq.retry_later(session=session, ids=list(retry), at=now, error=errors)
                for state in (DeliveryState.BLOCKED, DeliveryState.FAILED):
                    ids = [i for i, (s, _) in final.items() if s is state]
                    errors = "; ".join(sorted({e for s, e in final.values() if s is state}))
                    await oq.finish(session=session, ids=ids, state=state, error=errors)
        except Exception:
            self._sent.update(sent)
            self._retry.update(retry)
            self._final.update(final)
            raise

    # -- one chat -----------------------------------------------------------------------------

    async def _send_chat(self, bot: Bot, rows: list[OutboxMessage]) -> list[Delivered]:
        """The chat's messages in order, until one is on its way elsewhere, not due, or fails."""
        delivered = []
        for row in rows:
            assert row.id is not None
            now = self.core.clock.now()
            if row.state != DeliveryState.PENDING.value:
                break  # an older message of the chat is on its way (another process has it)
            if row.next_attempt_at is not None and row.next_attempt_at > now:
                break
            token = secrets.token_hex(CLAIM_TOKEN_BYTES)
            async with self.limiter.turn(row.chat_id) as turn:
                async with write_session(self.core.sessions) as session:
                    taken = await oq.claim(session=session, row_id=row.id, token=token, now=now)
                if not taken:
                    turn.skip()
            if not taken:
                break  # another process took it: the rest of the chat is its to send
            outcome = await self._try(bot, row, _notice(row))
            if outcome is None:
                break
            if isinstance(outcome, Delivered):
                delivered.append(outcome)
        return delivered

    async def _try(self, bot: Bot, row: OutboxMessage, notice: Notice) -> Delivered | bool | None:
        """Send one claimed message and record it: delivered, True (final), None (retry later)."""
        assert row.id is not None
        try:
            message = await send_with_retries(
                functools.partial(_send, bot, notice),
                before_retry=_nothing,
                attempts=1,
                backoff=0,
            )
        except Unavailable as exc:
            await self._postpone(row, str(exc))
            return None
        except (Blocked, Refused) as exc:
            state = DeliveryState.BLOCKED if isinstance(exc, Blocked) else DeliveryState.FAILED
            async with write_session(self.core.sessions) as session:
                await oq.finish(session=session, ids=[row.id], state=state, error=str(exc))
            logger.warning("message %s to chat %s not sent: %s", row.id, row.chat_id, exc)
            return True
        sent = oq.Sent(row.id, message.message_id, self.core.clock.now())
        async with write_session(self.core.sessions) as session:
            await oq.mark_sent(session=session, sent=[sent])
        return _delivered(row.chat_id, message, notice)

    async def _postpone(self, row: OutboxMessage, error: str) -> None:
        """Telegram kept failing: pending again, after a pause that doubles with each try."""
        assert row.id is not None
        settings = self.core.settings
        pause = settings.digest_retry_seconds * 2 ** min(row.attempts, 30)
        wait = min(settings.outbox_retry_max_seconds, pause)
        at = self.core.clock.now() + dt.timedelta(seconds=wait)
        async with write_session(self.core.sessions) as session:
            await oq.retry_later(session=session, ids=[row.id], at=at, error=error)
        logger.warning("message %s to chat %s postponed to %s: %s", row.id, row.chat_id, at, error)


async def _nothing() -> None:
    return None


async def _send(bot: Bot, notice: Notice) -> Message:
    markup = _markup(notice.buttons)
    if notice.photo is not None:
        return await bot.send_photo(
            notice.chat_id, photo=notice.photo, caption=notice.text, reply_markup=markup
        )
    return await bot.send_message(notice.chat_id, notice.text, reply_markup=markup)


def _markup(buttons: Rows) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


def _row(notice: Notice) -> dict[str, object]:
    return {
        "chat_id": notice.chat_id,
        "kind": notice.kind,
        "text": notice.text,
        "photo": notice.photo,
        "buttons": [[[label, data] for label, data in row] for row in notice.buttons],
        "entry_id": notice.entry_id,
        "undo_minutes": notice.undo_minutes,
    }


def _notice(row: OutboxMessage) -> Notice:
    buttons = tuple(tuple((str(b[0]), str(b[1])) for b in r) for r in row.buttons)
    return Notice(
        row.chat_id, row.kind, row.text, buttons, row.photo, row.entry_id, row.undo_minutes
    )


def _delivered(chat_id: int, message: Message, notice: Notice) -> Delivered:
    return Delivered(chat_id, message.message_id, notice.kind, notice.entry_id, notice.undo_minutes)


def _stale(row: OutboxMessage, before: dt.datetime) -> bool:
    return (
        row.state == DeliveryState.SENDING.value
        and row.claimed_at is not None
        and row.claimed_at < before
    )


def _chat_of(row: OutboxMessage) -> int:
    return row.chat_id


def _chat_order(row: OutboxMessage) -> tuple[int, int]:
    return row.chat_id, row.id or 0
