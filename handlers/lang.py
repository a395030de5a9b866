"""``/lang``: choose Chinese or English (buttons ``lang:``, or ``/lang en``); kept per person."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.app.menus import set_menu
from bot.services.people import choose_language, contract_books
from bot.services.permissions import Actor, public
from bot.texts.i18n import LANGUAGES, t
from handlers.common import PRIVATE, keyboard, read_actor, say, telegram_user, transact

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


@public("a user's own language")
async def lang_command(update: Update, context: FloorContext) -> None:
    """/lang [zh|en]: set it, or offer the choice."""
    if context.args:
        await _set(update, context, context.args[0].lower())
        return
    actor = await read_actor(update, context)
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
    now = context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> str:
        return await choose_language(
            session, user=telegram_user(update), language=language, now=now
        )

    done = await transact(update, context, work)
    if done is None:
        return
    await say(update, t(done.value, "lang_set"))
    actor = await read_actor(update, context)
    if actor.registered:
        async with context.services.sessions() as session:
            books = await contract_books(session, context.services.rulebooks)
        await set_menu(context.bot, actor, books)


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("lang", lang_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(lang_button, pattern=r"^lang:"))
