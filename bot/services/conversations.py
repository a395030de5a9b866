"""A user's unfinished work (report form, album, pending choice, dispute steps) in the database.

Every change happens inside a unit of work that holds the chat's lock
(``core.work(asking, chat_lock=True)``): read the row, change it, write it back. So any bot
process can take the user's next update, two updates of one chat never interleave, and a
redelivered update (its id already claimed in that same transaction) changes nothing twice.
The functions here take the unit of work's session; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

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
from bot.services.core import Asking, Core
from bot.services.guided_form import Form
from storage import bot_queries as bq
from storage import state_queries as sq
from storage.db import write_session
from storage.state_queries import ChatKey


def chat_key(asking: Asking) -> ChatKey:
    """The user and chat a request comes from: the key of their unfinished work."""
    return ChatKey(asking.chat_id, asking.user.id)


class Conversations:
    """Reads and writes of unfinished work, with the lifetimes the settings give it."""

    def __init__(self, core: Core) -> None:
        self.core = core

    @property
    def form_lifetime(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.core.settings.conversation_timeout_minutes)

    @property
    def album_lifetime(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.core.settings.undo_window_minutes)

    # -- any kind (for the features' own conversations) -------------------------------------

    async def load_slot(
        self, session: AsyncSession, key: ChatKey, kind: str
    ) -> dict[str, Any] | None:
        """The JSON of one kind of unfinished work (None: none, or expired)."""
        return await sq.load(session=session, key=key, kind=kind, now=self.core.clock.now())

    async def save_slot(
        self,
        session: AsyncSession,
        key: ChatKey,
        kind: str,
        data: dict[str, Any] | None,
        lifetime: dt.timedelta | None = None,
    ) -> None:
        """Keep it for ``lifetime`` (default: the conversation timeout), or drop it when None."""
        if data is None:
            await sq.remove(session=session, key=key, kind=kind)
            return
        now = self.core.clock.now()
        expires = now + (lifetime or self.form_lifetime)
        await sq.save(session=session, key=key, kind=kind, data=data, now=now, expires_at=expires)

    # -- the guided report's form -------------------------------------------------------------

    async def load_form(self, session: AsyncSession, key: ChatKey) -> Form | None:
        data = await sq.load(session=session, key=key, kind=FORM, now=self.core.clock.now())
        return None if data is None else decode_form(data)

    async def save_form(self, session: AsyncSession, key: ChatKey, form: Form | None) -> None:
        """Keep the form (for another conversation timeout), or drop it when it is None."""
        await self.save_slot(session, key, FORM, None if form is None else encode_form(form))

    async def set_card(self, key: ChatKey, started_at: dt.datetime, card_id: int) -> None:
        """Remember the card just sent for a form, unless that form has ended meanwhile."""
        async with write_session(self.core.sessions) as session:
            await bq.lock_chat(session=session, chat_id=key.chat_id)
            form = await self.load_form(session, key)
            if form is None or form.started_at != started_at:
                return
            form.card_id = card_id
            await self.save_form(session, key, form)

    async def has_form(self, key: ChatKey) -> bool:
        """Whether the user has a report form open (read outside any write)."""
        async with self.core.sessions() as session:
            data = await sq.load(session=session, key=key, kind=FORM, now=self.core.clock.now())
        return data is not None

    # -- albums and pending choices -----------------------------------------------------------

    async def load_album(self, session: AsyncSession, key: ChatKey, group: str) -> Album | None:
        data = await sq.load(
            session=session, key=key, kind=album_kind(group), now=self.core.clock.now()
        )
        return None if data is None else decode_album(data)

    async def save_album(
        self, session: AsyncSession, key: ChatKey, group: str, album: Album | None
    ) -> None:
        data = None if album is None else encode_album(album)
        await self.save_slot(session, key, album_kind(group), data, self.album_lifetime)

    async def take_pending(self, session: AsyncSession, key: ChatKey, token: str) -> Pending | None:
        """The waiting one-line report, removed (a second tap finds nothing)."""
        data = await sq.load(
            session=session, key=key, kind=pending_kind(token), now=self.core.clock.now()
        )
        await sq.remove(session=session, key=key, kind=pending_kind(token))
        return None if data is None else decode_pending(data)

    async def save_pending(
        self, session: AsyncSession, key: ChatKey, token: str, pending: Pending
    ) -> None:
        await self.save_slot(session, key, pending_kind(token), encode_pending(pending))
