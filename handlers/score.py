"""``/score [CONTRACT] [PERIOD]``: the period's score so far; ``score:`` buttons pick a contract."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.access import Actor
from bot.context import FloorApp, FloorContext
from bot.i18n import t
from bot.vendor import Ask, Request, ScoreReport, read_request, resolve_ref, score_report
from bot.vendor_texts import choice_rows, score_text
from handlers.common import PRIVATE, keyboard, say
from handlers.vendor_common import look_up

PREFIX = "score"


async def score_command(update: Update, context: FloorContext) -> None:
    """/score: the score of the user's contract, or buttons to choose one."""
    args = list(context.args or [])
    await answer(update, context, lambda actor: read_request(actor, Ask.SCORE, args))


async def on_choice(update: Update, context: FloorContext) -> None:
    """``score:REF[:PERIOD]``: the chosen contract's score."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    ref, _, period = (query.data or "").removeprefix(f"{PREFIX}:").partition(":")
    await answer(
        update, context, lambda actor: Request(resolve_ref(actor, Ask.SCORE, ref), period or None)
    )


async def answer(
    update: Update, context: FloorContext, request_of: Callable[[Actor], Request]
) -> None:
    """Work out the request (checking the user's roles) and reply with the score or a choice."""
    services = context.services
    now = services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> ScoreReport | Request:
        request = request_of(actor)
        if request.contract is None:
            return request
        return await score_report(
            session,
            actor=actor,
            rulebooks=services.rulebooks,
            contract_id=request.contract,
            period_text=request.period,
            now=now,
        )

    done = await look_up(update, context, work)
    if done is None:
        return
    if isinstance(done.value, Request):
        rows = choice_rows(done.actor, Ask.SCORE, PREFIX, done.value)
        await say(update, t(done.lang, "vendor_choose_contract"), keyboard(rows))
        return
    await say(update, score_text(done.lang, done.value))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("score", score_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=rf"^{PREFIX}:"))
