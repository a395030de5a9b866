"""``/score [CONTRACT] [PERIOD]``: the period's score so far; ``score:`` buttons pick a contract."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.permissions import Action, requires
from bot.services.scores import score_report
from bot.texts.vendor import score_text
from handlers.common import PRIVATE, say
from handlers.contract_choice import ContractChoice, RequestOf

PREFIX = "score"
CHOICE = ContractChoice(Action.SCORE, PREFIX)


@requires(Action.SCORE)
async def score_command(update: Update, context: FloorContext) -> None:
    """/score: the score of the user's contract, or buttons to choose one."""
    await answer(update, context, CHOICE.from_args(context))


@requires(Action.SCORE, sample="score:haidian-2026")
async def on_choice(update: Update, context: FloorContext) -> None:
    """``score:REF[:PERIOD]``: the chosen contract's score."""
    await answer(update, context, await CHOICE.from_button(update))


async def answer(update: Update, context: FloorContext, request_of: RequestOf) -> None:
    """Work out the request (checking the user's roles) and reply with the score or a choice."""
    done = await CHOICE.look_up(update, context, request_of, score_report)
    if done is not None:
        await say(update, score_text(done.lang, done.value))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("score", score_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=rf"^{PREFIX}:"))
