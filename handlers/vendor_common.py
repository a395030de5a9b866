"""What the score, deductions, history and dispute handlers share.

Read-only look-ups (no write transaction held while scores are computed), messages to people
other than the user (managers, vendor leads, inspectors), stored photos sent again by their
Telegram file ids, and what the dispute and decision conversations share: their state lives
in the database (handlers.conversation), and a refused step ends the conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.app.context import FloorContext
from bot.services.actors import load_actor
from bot.services.errors import BotError, KeptBotError
from bot.services.permissions import Actor
from bot.texts.i18n import language_of, t
from bot.texts.reports import render_error
from handlers.common import Done, default_language, read_actor, say, telegram_user
from handlers.conversation import save_slot
from storage.models import Person
from storage.state_queries import ChatKey

logger = logging.getLogger(__name__)
T = TypeVar("T")


async def look_up(
    update: Update,
    context: FloorContext,
    work: Callable[[AsyncSession, Actor], Awaitable[T]],
) -> Done[T] | None:
    """Run ``work`` in a read-only session; a refusal (BotError) is told to the user."""
    services = context.services
    async with services.sessions() as session:
        actor = await load_actor(session, telegram_user(update), default_language(context))
        try:
            value = await work(session, actor)
        except BotError as error:
            await say(update, render_error(actor.language, error))
            return None
    return Done(actor, value)


async def user_language(update: Update, context: FloorContext) -> str:
    return (await read_actor(update, context)).language


def person_language(context: FloorContext, person: Person) -> str:
    """The language a person chose (else the bot's default), for messages they did not ask for."""
    return language_of(person.language, None, context.services.settings.default_language)


async def send_to(
    context: FloorContext, person: Person, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """A message to someone other than the user (a failure is logged, not raised)."""
    try:
        await context.bot.send_message(person.telegram_user_id, text, reply_markup=markup)
    except TelegramError as exc:
        logger.warning("could not reach person %s: %s", person.id, exc)
        return False
    return True


async def send_photos(
    bot: Bot, chat_id: int, file_ids: Sequence[str], lang: str, key: str, **params: object
) -> int:
    """Send stored photos again by their Telegram file ids, captioned ``key`` (n of total)."""
    sent = 0
    for index, file_id in enumerate(file_ids, start=1):
        caption = t(lang, key, n=index, total=len(file_ids), **params)
        try:
            await bot.send_photo(chat_id, photo=file_id, caption=caption)
            sent += 1
        except TelegramError as exc:
            logger.warning("photo %s could not be sent to chat %s: %s", index, chat_id, exc)
    return sent


async def ending_on_refusal(
    session: AsyncSession,
    context: FloorContext,
    key: ChatKey,
    kinds: Iterable[str],
    call: Callable[[], Awaitable[T]],
) -> T:
    """Run a conversation step's ``call`` in a savepoint; a refusal undoes it and ends the
    conversation (its state rows go, committed with the update's claim) before it is told."""
    try:
        async with session.begin_nested():
            return await call()
    except BotError as error:
        for kind in kinds:
            await save_slot(session, context, key, kind, None)
        raise KeptBotError(error.key, **error.params) from error
