"""``/myreports``: the inspector's recent reports with their state."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.contracts import contract_books
from bot.services.permissions import Action, Actor, requires
from bot.services.reporting import my_reports
from bot.texts.reports import my_reports_text
from handlers.common import PRIVATE, say, transact
from scoring.rulebook import Rulebook
from storage.bot_queries import ReportRow

RECENT = 10


@requires(Action.MY_REPORTS)
async def myreports(update: Update, context: FloorContext) -> None:
    """/myreports: the last reports this inspector made, newest first."""

    async def work(
        session: AsyncSession, actor: Actor
    ) -> tuple[list[ReportRow], dict[str, Rulebook]]:
        rows = await my_reports(session, actor=actor, limit=RECENT)
        return rows, await contract_books(session, context.services.rulebooks)

    done = await transact(update, context, work)
    if done is None:
        return
    rows, books = done.value
    await say(update, my_reports_text(done.lang, rows, books))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("myreports", myreports, filters=PRIVATE))
