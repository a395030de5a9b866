"""``/score [CONTRACT] [PERIOD]``: the period's score so far; ``score:`` buttons pick a contract."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.permissions import Action, requires
from bot.services.scores import Asked
from bot.services.table_links import ASSESSMENT, table_markup
from bot.services.vendor_views import Choosing
from bot.texts.vendor import score_text
from handlers.common import PRIVATE, asking, say
from handlers.contract_choice import from_args, from_button, offer

PREFIX = "score"


@requires(Action.SCORE)
async def score_command(update: Update, context: FloorContext) -> None:
    """/score: the score of the user's contract, or buttons to choose one."""
    await answer(update, context, from_args(context))


@requires(Action.SCORE, sample="score:haidian-2026")
async def on_choice(update: Update, context: FloorContext) -> None:
    """``score:REF[:PERIOD]``: the chosen contract's score."""
    await answer(update, context, await from_button(update, PREFIX))


async def answer(update: Update, context: FloorContext, asked: Asked) -> None:
    """Reply with the score, or with a choice of contract."""
    found = await context.services.scores.score(asking(update, context), asked=asked)
    if isinstance(found, Choosing):
        await offer(update, found, PREFIX)
        return
    base = context.services.settings.webapp_url
    period = found.assessment.period.label
    markup = table_markup(base, found.lang, found.contract_id, ASSESSMENT, period)
    await say(update, score_text(found), markup)


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("score", score_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=rf"^{PREFIX}:"))
