"""``/help``: what this user may do, with examples."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.permissions import public
from bot.texts.reports import help_text
from handlers.common import PRIVATE, asking, say


@public("shows what the user's own roles allow, nothing more")
async def help_command(update: Update, context: FloorContext) -> None:
    """/help: the commands for this user's roles, with examples from their contracts."""
    menu = await context.services.people.menu(asking(update, context))
    await say(update, help_text(menu.actor.language, menu.actor, menu.books))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
