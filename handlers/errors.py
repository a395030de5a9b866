"""The one error handler: tell a refusal to the user; log anything else with context (never the
token) and tell the user what happened."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.app.context import FloorApp, FloorContext
from bot.services.errors import AlreadyHandled, BotError
from bot.services.outage import is_outage
from bot.texts.i18n import t
from bot.texts.reports import render_error
from handlers.common import asking, default_language, say

logger = logging.getLogger("floorbot.errors")


async def on_error(update: object, context: FloorContext) -> None:
    """Log the failure with the update's ids; tell the user whether anything was recorded.

    Nothing else runs for that update afterwards (handlers.guard's bookkeeping would fail the
    same way when the database is what failed, and the user would be told twice).
    """
    if not isinstance(update, Update):
        logger.error("background job failed", exc_info=context.error)
        return
    if isinstance(context.error, AlreadyHandled):
        return  # a redelivery: nothing happens, nothing is said
    if isinstance(context.error, BotError):
        await _refuse(update, context, context.error)
        return
    user = update.effective_user
    chat = update.effective_chat
    logger.error(
        "update %s from user %s in chat %s failed",
        update.update_id,
        user.id if user else None,
        chat.id if chat else None,
        exc_info=context.error,
    )
    if chat is None:
        context.bot_data.notes.pop(update.update_id, None)
        raise ApplicationHandlerStop
    note = context.bot_data.notes.pop(update.update_id, None)  # guard.py won't run to pop it
    lang = await _language(update, context)
    if note is not None and note.entry_id is not None:
        text = t(lang, "error_after_record", entry=note.entry_id)
    elif is_outage(context.error):
        text = t(lang, "db_unavailable")
    else:
        text = t(lang, "error_generic")
    try:
        await chat.send_message(text)
    except TelegramError as exc:
        logger.warning("could not tell chat %s about the failure: %s", chat.id, exc)
    raise ApplicationHandlerStop


async def _refuse(update: Update, context: FloorContext, error: BotError) -> None:
    """A request the services refused: its reason, in the user's language.

    The update's later handlers still run (its id is remembered, so a redelivery is dropped).
    """
    lang = error.lang or default_language(context)
    await say(update, render_error(lang, error))


async def _language(update: Update, context: FloorContext) -> str:
    try:
        return (await context.services.people.who(asking(update, context))).language
    except Exception:  # the database may be what failed
        logger.warning("language of user unknown (database unavailable)")
        return default_language(context)


def register(app: FloorApp) -> None:
    app.add_error_handler(on_error)
