"""What the score, deductions, history and dispute handlers share.

Read-only look-ups (no write transaction held while scores are computed), messages to people
other than the user (managers, vendor leads, inspectors), stored photos sent again by their
Telegram file ids, and the conversations' common shape.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as tg_filters
from telegram.warnings import PTBUserWarning

from bot.access import Actor
from bot.context import FloorContext
from bot.errors import BotError
from bot.i18n import language_of, t
from bot.services import load_actor
from bot.texts import render_error
from handlers.common import PRIVATE, Done, default_language, read_actor, say, telegram_user
from storage.models import Person

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


async def forget(update: Update, context: FloorContext) -> None:
    """A conversation left alone too long: drop what it was holding."""
    context.user_state.dispute = None
    context.user_state.decision = None


def conversation(
    name: str,
    entry_points: list[Any],
    states: dict[object, list[Any]],
    cancel: Callable[[Update, FloorContext], Coroutine[Any, Any, int]],
    timeout_seconds: float,
) -> ConversationHandler[FloorContext]:
    """A conversation per chat and user, with /cancel and a timeout."""
    states[ConversationHandler.TIMEOUT] = [
        MessageHandler(tg_filters.ALL, forget),
        CallbackQueryHandler(forget),
    ]
    with warnings.catch_warnings():
        # Tracked per chat and user, not per message: the buttons carry what they act on.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states=states,
            fallbacks=[CommandHandler("cancel", cancel, filters=PRIVATE)],
            allow_reentry=True,
            conversation_timeout=timeout_seconds,
            name=name,
        )
