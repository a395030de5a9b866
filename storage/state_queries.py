"""Conversation state rows: a user's unfinished work in a chat, as JSON, until it expires.

Every function takes the session first and leaves the transaction to the caller. Callers that
read, change and write a row hold the chat's lock first (storage.bot_queries.lock_chat on
PostgreSQL; SQLite write transactions are serial), so two processes never interleave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ConversationState, ProcessedUpdate
from storage.rows import table_of

STATE = table_of(ConversationState)


@dataclass(frozen=True, slots=True)
class ChatKey:
    """Whose state: a user in a chat."""

    chat_id: int
    user_id: int


async def load(
    *, session: AsyncSession, key: ChatKey, kind: str, now: dt.datetime
) -> dict[str, Any] | None:
    """The row's data; None when there is none or it has expired."""
    statement = select(col(ConversationState.data)).where(
        col(ConversationState.chat_id) == key.chat_id,
        col(ConversationState.user_id) == key.user_id,
        col(ConversationState.kind) == kind,
        col(ConversationState.expires_at) > now,
    )
    data = (await session.exec(statement)).first()
    return None if data is None else dict(data)


async def save(
    *,
    session: AsyncSession,
    key: ChatKey,
    kind: str,
    data: dict[str, Any],
    now: dt.datetime,
    expires_at: dt.datetime,
) -> None:
    """Insert or replace the row."""
    conn = await session.connection()
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    values = {"data": data, "updated_at": now, "expires_at": expires_at}
    statement = (
        insert(STATE)
        .values(chat_id=key.chat_id, user_id=key.user_id, kind=kind, **values)
        .on_conflict_do_update(index_elements=["chat_id", "user_id", "kind"], set_=values)
    )
    await session.exec(statement)


async def remove(*, session: AsyncSession, key: ChatKey, kind: str) -> bool:
    """Delete the row; whether there was one."""
    result = await session.exec(
        delete(ConversationState).where(
            col(ConversationState.chat_id) == key.chat_id,
            col(ConversationState.user_id) == key.user_id,
            col(ConversationState.kind) == kind,
        )
    )
    return bool(result.rowcount)


async def expired(
    *, session: AsyncSession, now: dt.datetime, limit: int
) -> Sequence[ConversationState]:
    """Rows past their expiry, oldest first."""
    statement = (
        select(ConversationState)
        .where(col(ConversationState.expires_at) <= now)
        .order_by(col(ConversationState.expires_at))
        .limit(limit)
    )
    return (await session.exec(statement)).all()


async def remove_if_expired(
    *, session: AsyncSession, row: ConversationState, now: dt.datetime
) -> bool:
    """Delete one expired row unless it was renewed meanwhile; whether it was deleted."""
    result = await session.exec(
        delete(ConversationState).where(
            col(ConversationState.chat_id) == row.chat_id,
            col(ConversationState.user_id) == row.user_id,
            col(ConversationState.kind) == row.kind,
            col(ConversationState.expires_at) <= now,
        )
    )
    return bool(result.rowcount)


async def open_kinds(*, session: AsyncSession, key: ChatKey, now: dt.datetime) -> frozenset[str]:
    """The kinds of unfinished work the user has in the chat (expired rows left out)."""
    statement = select(col(ConversationState.kind)).where(
        col(ConversationState.chat_id) == key.chat_id,
        col(ConversationState.user_id) == key.user_id,
        col(ConversationState.expires_at) > now,
    )
    return frozenset((await session.exec(statement)).all())


async def processed(*, session: AsyncSession, update_id: int) -> bool:
    """Whether a Telegram update was handled already (its id claimed)."""
    statement = select(col(ProcessedUpdate.update_id)).where(
        col(ProcessedUpdate.update_id) == update_id
    )
    return (await session.exec(statement)).first() is not None
