"""``/history [CONTRACT]``: the last 12 periods' scores with a chart; ``hist:`` picks a contract."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.permissions import Action, Actor, requires
from bot.services.scores import History, Request, read_request, resolve_ref, score_history
from bot.texts.i18n import t
from bot.texts.vendor import choice_rows, history_text
from handlers.common import PRIVATE, keyboard, say
from handlers.vendor_common import look_up
from scoring.chart import score_chart

PREFIX = "hist"


@requires(Action.HISTORY)
async def history_command(update: Update, context: FloorContext) -> None:
    """/history: the scores and chart of the user's contract, or buttons to choose one."""
    args = list(context.args or [])
    await answer(update, context, lambda actor: read_request(actor, Action.HISTORY, args))


@requires(Action.HISTORY, sample="hist:haidian-2026")
async def on_choice(update: Update, context: FloorContext) -> None:
    """``hist:REF``: the chosen contract's history."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    ref = (query.data or "").removeprefix(f"{PREFIX}:").partition(":")[0]
    await answer(
        update, context, lambda actor: Request(resolve_ref(actor, Action.HISTORY, ref), None)
    )


async def answer(
    update: Update, context: FloorContext, request_of: Callable[[Actor], Request]
) -> None:
    """The scores as the caption of the chart, drawn off the event loop."""
    services = context.services
    now = services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> History | Request:
        request = request_of(actor)
        if request.contract is None:
            return request
        return await score_history(
            session,
            actor=actor,
            rulebooks=services.rulebooks,
            contract_id=request.contract,
            now=now,
        )

    done = await look_up(update, context, work)
    if done is None or update.effective_chat is None:
        return
    if isinstance(done.value, Request):
        rows = choice_rows(done.actor, Action.HISTORY, PREFIX, done.value)
        await say(update, t(done.lang, "vendor_choose_contract"), keyboard(rows))
        return
    found = done.value
    png = await asyncio.to_thread(
        score_chart, found.book, found.period.label, found.days, found.scores
    )
    await update.effective_chat.send_photo(png, caption=history_text(done.lang, found))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("history", history_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=rf"^{PREFIX}:"))
