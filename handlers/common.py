"""What every handler shares: who is asking, one transaction per request, replies, photos."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import filters

from bot.access import Actor
from bot.context import FloorContext
from bot.errors import AlreadyHandled, BotError, KeptBotError
from bot.i18n import language_of
from bot.reports import Photo
from bot.services import TelegramUser, load_actor
from bot.texts import render_error
from bot.transport import DOWNLOAD_RETRIES, with_retries
from storage import bot_queries as bq
from storage.db import write_session
from storage.queries import claim_update

T = TypeVar("T")
# New messages in private chats: group chats are not served, and an edited message is never
# taken as a second report.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
NOT_MODIFIED = "message is not modified"


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """A request that went through: who asked, and what the service returned."""

    actor: Actor
    value: T

    @property
    def lang(self) -> str:
        return self.actor.language


def telegram_user(update: Update) -> TelegramUser:
    user = update.effective_user
    assert user is not None
    return TelegramUser(user.id, user.full_name, user.language_code)


async def transact(
    update: Update,
    context: FloorContext,
    work: Callable[[AsyncSession, Actor], Awaitable[T]],
) -> Done[T] | None:
    """Run ``work`` in one write transaction that also claims the update's id.

    The claim makes the request happen once however often Telegram delivers the update: a
    redelivery finds the id taken and does nothing, says nothing. A refusal (BotError) is
    rolled back, claim included, and told to the user. Returns None in both cases. A
    KeptBotError is a refusal whose writes stand (committed with the claim), then told.
    """
    services = context.services
    actor: Actor | None = None
    kept: KeptBotError | None = None
    try:
        async with write_session(services.sessions) as session:
            if not await claim_update(session, update.update_id, now=services.clock.now()):
                raise AlreadyHandled(update.update_id)
            actor = await load_actor(session, telegram_user(update), default_language(context))
            try:
                value = await work(session, actor)
            except KeptBotError as error:
                kept = error
    except AlreadyHandled:
        return None
    except BotError as error:
        lang = actor.language if actor is not None else default_language(context)
        await say(update, render_error(lang, error))
        return None
    context.bot_data.note(update.update_id).claimed = True
    if kept is not None:
        assert actor is not None
        await say(update, render_error(actor.language, kept))
        return None
    return Done(actor, value)


async def read_actor(update: Update, context: FloorContext) -> Actor:
    """The user and their roles, read outside any write."""
    async with context.services.sessions() as session:
        return await load_actor(session, telegram_user(update), default_language(context))


async def language_of_user(context: FloorContext, telegram_user_id: int | None) -> str:
    """A user's language when there is no update to read it from (in jobs)."""
    default = default_language(context)
    if telegram_user_id is None:
        return default
    async with context.services.sessions() as session:
        person = await bq.person_by_telegram_id(session, telegram_user_id)
    return language_of(person.language if person else None, None, default)


def default_language(context: FloorContext) -> str:
    return context.services.settings.default_language


def recorded_entry(update: Update, context: FloorContext, entry_id: int) -> None:
    """Note the report this update recorded (the error handler then says it was recorded)."""
    context.bot_data.note(update.update_id).entry_id = entry_id


async def say(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send a message to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, reply_markup=markup)


async def edit(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit one of the bot's messages in place (an identical edit is not an error)."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if NOT_MODIFIED not in str(exc).lower():
            raise


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Remove the buttons under an old message (gone or unchanged is fine)."""
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest:
        return


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Inline buttons from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def largest(sizes: Sequence[PhotoSize]) -> PhotoSize:
    """The biggest of a photo's sizes."""
    return max(sizes, key=lambda s: (s.width * s.height, s.file_size or 0))


async def download_photo(bot: Bot, sizes: Sequence[PhotoSize]) -> Photo:
    """Download the largest size of a photo and hash it (SHA-256); a failed download is retried."""
    size = largest(sizes)
    file = await bot.get_file(size.file_id)
    data = await with_retries(file.download_as_bytearray, DOWNLOAD_RETRIES, "photo download")
    return Photo(size.file_id, size.file_unique_id, hashlib.sha256(data).hexdigest())
