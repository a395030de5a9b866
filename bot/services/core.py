"""What every service shares: the request it serves, and one unit of work per request.

A handler turns an update into an :class:`Asking` (who sent it, from which chat, its update
id) and calls one service method. The method opens a unit of work (:meth:`Core.work`): one
write transaction that claims the update's id, so the request happens once however often
Telegram delivers it, and loads who is asking. A refusal (:class:`BotError`) rolls everything
back, claim included, and reaches the error handler carrying the asker's language; a
:class:`KeptBotError` commits first. :meth:`Core.read` is the same without a write, for
look-ups that compute figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.app.clock import Clock
from bot.app.settings import Settings
from bot.services.actors import TelegramUser, load_actor
from bot.services.errors import AlreadyHandled, BotError, KeptBotError
from bot.services.permissions import Actor
from bot.texts.i18n import language_of
from scoring.rulebook import Rulebook
from storage import bot_queries as bq
from storage.db import SessionFactory, write_session
from storage.queries import claim_update


@dataclass(slots=True)
class Receipt:
    """What serving one update did, for the bookkeeping after it and for the error handler."""

    claimed: bool = False  # the update's id was claimed by the request's own transaction
    entry_id: int | None = None  # the report it recorded
    open: frozenset[str] = frozenset()  # the kinds of unfinished work the user had


@dataclass(frozen=True, slots=True)
class Asking:
    """One request as the services see it: the update, who sent it, and from which chat."""

    update_id: int
    user: TelegramUser
    chat_id: int
    receipt: Receipt

    @property
    def open(self) -> frozenset[str]:
        return self.receipt.open


@dataclass(slots=True)
class UnitOfWork:
    """One request's transaction: its session, who is asking, and when."""

    session: AsyncSession
    actor: Actor
    now: dt.datetime

    @property
    def lang(self) -> str:
        return self.actor.language


@dataclass(frozen=True, slots=True)
class Core:
    """Settings, the database, the rulebooks and the clock, built once at start-up."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    rulebooks: Mapping[str, Rulebook]
    clock: Clock

    @property
    def default_language(self) -> str:
        return self.settings.default_language

    @asynccontextmanager
    async def work(self, asking: Asking, *, chat_lock: bool = False) -> AsyncIterator[UnitOfWork]:
        """One write transaction that claims the update's id and knows who is asking.

        With ``chat_lock`` it holds the chat's lock from the start, so that two updates of
        one chat (a conversation's steps) never interleave, on any bot process.
        """
        actor: Actor | None = None
        kept: KeptBotError | None = None
        try:
            async with write_session(self.sessions) as session:
                now = self.clock.now()
                if not await claim_update(session=session, update_id=asking.update_id, now=now):
                    raise AlreadyHandled(asking.update_id)
                if chat_lock:
                    await bq.lock_chat(session=session, chat_id=asking.chat_id)
                actor = await load_actor(session, asking.user, self.default_language)
                try:
                    yield UnitOfWork(session, actor, now)
                except KeptBotError as error:
                    kept = error
        except BotError as error:
            error.told_in(self._language(actor, asking))
            raise
        asking.receipt.claimed = True
        if kept is not None:
            raise kept.told_in(self._language(actor, asking))

    @asynccontextmanager
    async def read(self, asking: Asking) -> AsyncIterator[UnitOfWork]:
        """A read-only session and who is asking (no write transaction held while computing)."""
        actor: Actor | None = None
        try:
            async with self.sessions() as session:
                actor = await load_actor(session, asking.user, self.default_language)
                yield UnitOfWork(session, actor, self.clock.now())
        except BotError as error:
            error.told_in(self._language(actor, asking))
            raise

    async def actor(self, asking: Asking) -> Actor:
        """Who is asking, read outside any write."""
        async with self.sessions() as session:
            return await load_actor(session, asking.user, self.default_language)

    def _language(self, actor: Actor | None, asking: Asking) -> str:
        if actor is not None:
            return actor.language
        return language_of(None, asking.user.language_code, self.default_language)
