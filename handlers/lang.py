"""``/lang``: choose Chinese or English (buttons ``lang:``, or ``/lang en``); kept per person."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.app.menus import set_menu
from bot.services.permissions import public
from bot.texts.i18n import LANGUAGES, t
from handlers.common import PRIVATE, asking, keyboard, say

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


@public("a user's own language")
async def lang_command(update: Update, context: FloorContext) -> None:
    """/lang [zh|en]: set it, or offer the choice."""
    if context.args:
        await _set(update, context, context.args[0].lower())
        return
    actor = await context.services.people.who(asking(update, context))
    buttons = [[(LANGUAGE_NAMES[code], f"lang:{code}") for code in LANGUAGES]]
    await say(update, t(actor.language, "lang_choose"), keyboard(buttons))


@public("a user's own language")
async def lang_button(update: Update, context: FloorContext) -> None:
    """A language button."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await _set(update, context, (query.data or "").removeprefix("lang:"))


async def _set(update: Update, context: FloorContext, language: str) -> None:
    menu = await context.services.people.choose_language(asking(update, context), language=language)
    await say(update, t(language, "lang_set"))
    if menu.actor.registered:
        await set_menu(context.bot, menu.actor, menu.books, context.services.settings.webapp_url)


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("lang", lang_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(lang_button, pattern=r"^lang:"))
