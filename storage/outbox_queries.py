"""The outbox: messages the bot owes people, written in the transaction of what they tell, then
claimed (one conditional UPDATE), sent and recorded — sent, blocked, failed, or pending again
for a later attempt. A claim left by a sender that died mid-send goes stale and is put back to
pending, to be sent again. Rows are sent in ``id`` order per chat.

Every function takes ``session=`` and leaves the transaction to the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DeliveryState, OutboxMessage
from storage.rows import table_of

UNSENT = (DeliveryState.PENDING.value, DeliveryState.SENDING.value)


@dataclass(frozen=True, slots=True)
class Sent:
    """A message that arrived: its row, Telegram's message id, and when."""

    id: int
    message_id: int
    at: dt.datetime


async def add_messages(
    *,
    session: AsyncSession,
    rows: Sequence[dict[str, Any]],
    now: dt.datetime,
    claim: str | None = None,
) -> list[int]:
    """New messages (``chat_id``, ``kind``, ``text`` …): pending, or claimed with ``claim`` for
    the caller to send at once; their ids, in order."""
    state = DeliveryState.SENDING if claim is not None else DeliveryState.PENDING
    common = {
        "created_at": now,
        "state": state.value,
        "attempts": 1 if claim is not None else 0,
        "claim": claim,
        "claimed_at": now if claim is not None else None,
    }
    table = table_of(OutboxMessage)
    ids = []
    for row in rows:
        values: dict[str, Any] = {"photo": None, "buttons": [], "entry_id": None}
        values["undo_minutes"] = None
        statement = insert(table).values({**values, **row, **common}).returning(table.c.id)
        ids.append(int((await session.exec(statement)).scalar_one()))
    return ids


async def unsent_in_chat(*, session: AsyncSession, chat_id: int) -> list[int]:
    """The ids of the chat's messages not sent yet (pending, or claimed and on their way)."""
    statement = select(col(OutboxMessage.id)).where(
        col(OutboxMessage.state).in_(UNSENT), col(OutboxMessage.chat_id) == chat_id
    )
    return [int(i) for i in (await session.exec(statement)).all() if i is not None]


async def unsent(
    *, session: AsyncSession, limit: int, chats: Sequence[int] | None = None
) -> list[OutboxMessage]:
    """Messages not sent yet (of ``chats``, or of everyone), oldest first."""
    statement = select(OutboxMessage).where(col(OutboxMessage.state).in_(UNSENT))
    if chats is not None:
        statement = statement.where(col(OutboxMessage.chat_id).in_(list(chats)))
    return list((await session.exec(statement.order_by(col(OutboxMessage.id)).limit(limit))).all())


async def claim(*, session: AsyncSession, row_id: int, token: str, now: dt.datetime) -> bool:
    """Take one pending message for sending; False when another sender took it first."""
    table = table_of(OutboxMessage)
    statement = (
        update(table)
        .where(table.c.id == row_id, table.c.state == DeliveryState.PENDING.value)
        .values(
            state=DeliveryState.SENDING.value,
            claim=token,
            claimed_at=now,
            attempts=table.c.attempts + 1,
        )
    )
    return bool((await session.exec(statement)).rowcount)


async def mark_sent(*, session: AsyncSession, sent: Sequence[Sent]) -> None:
    """Record that claimed messages arrived (never sent again)."""
    if not sent:
        return
    table = table_of(OutboxMessage)
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(
            state=DeliveryState.SENT.value,
            claim=None,
            error=None,
            sent_at=bindparam("at"),
            message_id=bindparam("telegram_id"),
        )
    )
    params = [{"row_id": s.id, "at": s.at, "telegram_id": s.message_id} for s in sent]
    await session.exec(statement, params=params)


async def finish(
    *, session: AsyncSession, ids: Sequence[int], state: DeliveryState, error: str
) -> None:
    """Record that claimed messages will never be sent: blocked by the person, or refused."""
    if not ids:
        return
    table = table_of(OutboxMessage)
    values = {"state": state.value, "claim": None, "error": error}
    await session.exec(update(table).where(table.c.id.in_(list(ids))).values(values))


async def retry_later(
    *, session: AsyncSession, ids: Sequence[int], at: dt.datetime, error: str
) -> None:
    """Put claimed messages back as pending until ``at`` (Telegram or the network failed)."""
    if not ids:
        return
    table = table_of(OutboxMessage)
    values = {"state": DeliveryState.PENDING.value, "claim": None, "next_attempt_at": at}
    statement = update(table).where(
        table.c.id.in_(list(ids)), table.c.state == DeliveryState.SENDING.value
    )
    await session.exec(statement.values(error=error, **values))


async def reclaim_stale(*, session: AsyncSession, claimed_before: dt.datetime) -> int:
    """Messages claimed before ``claimed_before`` and never recorded (their sender died
    mid-send): pending again, to be sent again. How many."""
    table = table_of(OutboxMessage)
    statement = (
        update(table)
        .where(table.c.state == DeliveryState.SENDING.value, table.c.claimed_at < claimed_before)
        .values(state=DeliveryState.PENDING.value, claim=None, next_attempt_at=None)
    )
    return int((await session.exec(statement)).rowcount or 0)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """Where a report's confirmation stands."""

    state: DeliveryState
    sent_at: dt.datetime | None
    claimed_at: dt.datetime | None  # when its latest send began


async def confirmation_of(*, session: AsyncSession, entry_id: int) -> Confirmation | None:
    """The report's confirmation (its first message offering Undo); None when it had none."""
    statement = (
        select(col(OutboxMessage.state), col(OutboxMessage.sent_at), col(OutboxMessage.claimed_at))
        .where(col(OutboxMessage.entry_id) == entry_id)
        .order_by(col(OutboxMessage.id))
        .limit(1)
    )
    found = (await session.exec(statement)).first()
    if found is None:
        return None
    return Confirmation(DeliveryState(found[0]), found[1], found[2])
