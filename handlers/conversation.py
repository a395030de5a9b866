"""A user's unfinished work (guided report, album, pending choice) read and written in the database.

Every change happens inside one write transaction that holds the chat's lock
(:func:`transact_chat`): read the row, change it, write it back. So any bot process can take
the user's next update, two updates of one chat never interleave, and a redelivered update
(its id already claimed in that same transaction) changes nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import filters

from bot.app.context import BotData, FloorContext
from bot.services.conversation_state import (
    FORM,
    Album,
    Pending,
    album_kind,
    decode_album,
    decode_form,
    decode_pending,
    encode_album,
    encode_form,
    encode_pending,
    pending_kind,
)
from bot.services.guided_form import Form
from bot.services.permissions import Actor
from handlers.common import Done, transact
from storage import bot_queries as bq
from storage import state_queries as sq
from storage.db import write_session
from storage.state_queries import ChatKey

T = TypeVar("T")


def chat_key(update: Update) -> ChatKey:
    """The user and chat an update comes from."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    return ChatKey(chat.id, user.id)


async def transact_chat(
    update: Update,
    context: FloorContext,
    work: Callable[[AsyncSession, Actor], Awaitable[T]],
) -> Done[T] | None:
    """handlers.common.transact, holding the chat's lock from the start (see the module)."""
    key = chat_key(update)

    async def locked(session: AsyncSession, actor: Actor) -> T:
        await bq.lock_chat(session, key.chat_id)
        return await work(session, actor)

    return await transact(update, context, locked)


class Open(filters.UpdateFilter):
    """Updates whose user had unfinished work of ``kind`` when the update came (handlers.state).

    Handlers that continue a conversation use it (``MessageHandler(PRIVATE & Open(...), ...)``),
    so that routing does not depend on which process got the update.
    """

    def __init__(self, bot_data: BotData, kind: str) -> None:
        super().__init__(name=f"Open({kind})")
        self._bot_data = bot_data
        self._kind = kind

    def filter(self, update: Update) -> bool:
        note = self._bot_data.notes.get(update.update_id)
        return note is not None and self._kind in note.open


# -- any kind of unfinished work (for other features' conversations) -----------------------


async def load_slot(
    session: AsyncSession, key: ChatKey, kind: str, now: dt.datetime
) -> dict[str, Any] | None:
    """The JSON of one kind of unfinished work (None: none, or expired)."""
    return await sq.load(session, key, kind, now=now)


async def save_slot(
    session: AsyncSession,
    context: FloorContext,
    key: ChatKey,
    kind: str,
    data: dict[str, Any] | None,
    lifetime: dt.timedelta | None = None,
) -> None:
    """Keep it for ``lifetime`` (default: the conversation timeout), or drop it when None."""
    if data is None:
        await sq.remove(session, key, kind)
        return
    now = context.services.clock.now()
    expires = now + (lifetime or _form_lifetime(context))
    await sq.save(session, key, kind, data, now=now, expires_at=expires)


def _form_lifetime(context: FloorContext) -> dt.timedelta:
    return dt.timedelta(minutes=context.services.settings.conversation_timeout_minutes)


def _album_lifetime(context: FloorContext) -> dt.timedelta:
    return dt.timedelta(minutes=context.services.settings.undo_window_minutes)


# -- the guided report's form -------------------------------------------------------------------


async def load_form(session: AsyncSession, key: ChatKey, now: dt.datetime) -> Form | None:
    data = await sq.load(session, key, FORM, now=now)
    return None if data is None else decode_form(data)


async def save_form(
    session: AsyncSession, context: FloorContext, key: ChatKey, form: Form | None
) -> None:
    """Keep the form (for another conversation timeout), or drop it when it is None."""
    if form is None:
        await sq.remove(session, key, FORM)
        return
    now = context.services.clock.now()
    expires = now + _form_lifetime(context)
    await sq.save(session, key, FORM, encode_form(form), now=now, expires_at=expires)


async def set_card(
    context: FloorContext, key: ChatKey, started_at: dt.datetime, card_id: int
) -> None:
    """Remember the card just sent for a form, unless that form has ended meanwhile."""
    now = context.services.clock.now()
    async with write_session(context.services.sessions) as session:
        await bq.lock_chat(session, key.chat_id)
        form = await load_form(session, key, now)
        if form is None or form.started_at != started_at:
            return
        form.card_id = card_id
        await save_form(session, context, key, form)


async def has_form(context: FloorContext, key: ChatKey) -> bool:
    """Whether the user has a report form open (read outside any write)."""
    async with context.services.sessions() as session:
        data = await sq.load(session, key, FORM, now=context.services.clock.now())
    return data is not None


# -- albums and pending choices -------------------------------------------------------------


async def load_album(
    session: AsyncSession, key: ChatKey, group: str, now: dt.datetime
) -> Album | None:
    data = await sq.load(session, key, album_kind(group), now=now)
    return None if data is None else decode_album(data)


async def save_album(
    session: AsyncSession, context: FloorContext, key: ChatKey, group: str, album: Album | None
) -> None:
    if album is None:
        await sq.remove(session, key, album_kind(group))
        return
    now = context.services.clock.now()
    expires = now + _album_lifetime(context)
    await sq.save(session, key, album_kind(group), encode_album(album), now=now, expires_at=expires)


async def take_pending(
    session: AsyncSession, key: ChatKey, token: str, now: dt.datetime
) -> Pending | None:
    """The waiting one-line report, removed (a second tap finds nothing)."""
    data = await sq.load(session, key, pending_kind(token), now=now)
    await sq.remove(session, key, pending_kind(token))
    return None if data is None else decode_pending(data)


async def save_pending(
    session: AsyncSession, context: FloorContext, key: ChatKey, token: str, pending: Pending
) -> None:
    now = context.services.clock.now()
    expires = now + _form_lifetime(context)
    data = encode_pending(pending)
    await sq.save(session, key, pending_kind(token), data, now=now, expires_at=expires)
