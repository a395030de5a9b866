"""``/myreports``: the inspector's recent reports with their state."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.permissions import Action, requires
from bot.texts.reports import my_reports_text
from handlers.common import PRIVATE, asking, say


@requires(Action.MY_REPORTS)
async def myreports(update: Update, context: FloorContext) -> None:
    """/myreports: the last reports this inspector made, newest first."""
    mine = await context.services.reporting.my_reports(asking(update, context))
    await say(update, my_reports_text(mine))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("myreports", myreports, filters=PRIVATE))
