"""``/history [CONTRACT]``: the last 12 periods' scores with a chart; ``hist:`` picks a contract."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.permissions import Action, requires
from bot.services.scores import Asked
from bot.services.vendor_views import Choosing
from bot.texts.vendor import history_text
from handlers.common import PRIVATE, asking
from handlers.contract_choice import from_args, from_button, offer

PREFIX = "hist"


@requires(Action.HISTORY)
async def history_command(update: Update, context: FloorContext) -> None:
    """/history: the scores and chart of the user's contract, or buttons to choose one."""
    await answer(update, context, from_args(context))


@requires(Action.HISTORY, sample="hist:haidian-2026")
async def on_choice(update: Update, context: FloorContext) -> None:
    """``hist:REF``: the chosen contract's history."""
    await answer(update, context, await from_button(update, PREFIX))


async def answer(update: Update, context: FloorContext, asked: Asked) -> None:
    """The chart, captioned with the scores; or a choice of contract."""
    found = await context.services.scores.history(asking(update, context), asked=asked)
    if isinstance(found, Choosing):
        await offer(update, found, PREFIX)
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_photo(found.chart, caption=history_text(found))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("history", history_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=rf"^{PREFIX}:"))
