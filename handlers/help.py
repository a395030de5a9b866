"""``/help``: what this user may do, with examples."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.people import contract_books
from bot.services.permissions import public
from bot.texts.reports import help_text
from handlers.common import PRIVATE, read_actor, say


@public("shows what the user's own roles allow, nothing more")
async def help_command(update: Update, context: FloorContext) -> None:
    """/help: the commands for this user's roles, with examples from their contracts."""
    actor = await read_actor(update, context)
    async with context.services.sessions() as session:
        books = await contract_books(session, context.services.rulebooks)
    await say(update, help_text(actor.language, actor, books))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
