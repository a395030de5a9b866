"""``/digest [CONTRACT] [PERIOD|today]``: a period's assessment now, with table and chart.

Without a contract a manager of several picks one (buttons ``dg:``); ``today`` gives the
day's digest instead. Also here: a person marked as having blocked the bot who writes again
is unmarked, so their digests resume — by this process at once when it knows of the mark,
otherwise at its next reload of the marks (every ``FLOORBOT_DIGEST_POLL_SECONDS``, on every
process), which unmarks whoever wrote to it since (bot.services.delivery.BlockedChats). An update
from anyone else costs no query.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler

from bot.app.context import FloorApp, FloorContext
from bot.app.jobs import runner_of
from bot.services.contracts import contract_book
from bot.services.digests.content import CHART_PERIODS, daily_figures, period_figures
from bot.services.errors import BotError
from bot.services.permissions import Action, Actor, public, require, require_any, requires
from bot.texts.assessment import period_message
from bot.texts.digests import daily_message
from bot.texts.i18n import t
from bot.texts.reports import render_error
from handlers.common import PRIVATE, keyboard, read_actor, say
from scoring.periods import Period, PeriodError, parse_period, period_of
from scoring.rulebook import Rulebook
from storage import delivery_queries as dlq
from storage import digest_queries as dq
from storage.db import write_session

TODAY = frozenset({"today", "今天", "今日"})
PERIOD_LIKE = re.compile(r"^\d{4}(?:-\d{2}(?:\.\.\d{4}-\d{2})?|[Qq][1-4])$")
# Runs before the guard (group -1) and every feature: only reads an in-memory set.
UNBLOCK_GROUP = -2
BLOCKED_JOB = "digest:blocked"
ONE_DAY = dt.timedelta(days=1)


def read_args(actor: Actor, args: list[str]) -> tuple[str | None, str | None, list[str]]:
    """The contract (None: choose), the period text (None: current) and the choices."""
    contracts = require_any(actor, Action.DIGEST)
    period = next((a for a in args if PERIOD_LIKE.match(a) or a.lower() in TODAY), None)
    named = next((a for a in args if a != period), None)
    if named is not None and named not in contracts:
        raise BotError("dg_not_yours", contract=named, contracts=contracts)
    if named is None and len(contracts) == 1:
        named = contracts[0]
    return named, period, contracts


@requires(Action.DIGEST)
async def digest_command(update: Update, context: FloorContext) -> None:
    """/digest: the assessment of a period so far (or closed), or the day's digest."""
    actor = await read_actor(update, context)
    try:
        contract, period, contracts = read_args(actor, context.args or [])
    except BotError as error:
        await say(update, render_error(actor.language, error))
        return
    if contract is None:
        rows = [[(c, f"dg:{i}:{period or '-'}")] for i, c in enumerate(contracts)]
        await say(update, t(actor.language, "dg_choose"), keyboard(rows))
        return
    await send_digest(update, context, actor, contract, period)


@requires(Action.DIGEST, sample="dg:0:-")
async def on_choice(update: Update, context: FloorContext) -> None:
    """The contract picked for /digest (its position among the manager's own contracts)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, index, period = ((query.data or "") + "::").split(":")[:3]
    actor = await read_actor(update, context)
    try:
        contracts = require_any(actor, Action.DIGEST)
    except BotError as error:
        await say(update, render_error(actor.language, error))
        return
    if not index.isdecimal() or int(index) >= len(contracts):
        await say(update, t(actor.language, "choice_expired"))
        return
    chosen = None if period == "-" else period
    await send_digest(update, context, actor, contracts[int(index)], chosen)


async def send_digest(
    update: Update, context: FloorContext, actor: Actor, contract_id: str, period: str | None
) -> None:
    """The day's digest, or the period's assessment with the table and the chart."""
    lang = actor.language
    try:
        require(actor, Action.DIGEST, contract_id)
        if period is not None and period.lower() in TODAY:
            for text in await _today(context, contract_id, lang):
                await say(update, text)
            return
        await _assessment(update, context, contract_id, period, lang)
    except BotError as error:
        await say(update, render_error(lang, error))


async def _today(context: FloorContext, contract_id: str, lang: str) -> list[str]:
    services = context.services
    now = services.clock.now()
    async with services.sessions() as session:
        contract, book = await contract_book(session, services.rulebooks, contract_id)
        zone = ZoneInfo(contract.timezone)
        last = await dlq.previous_run_due(
            session, contract_id=contract_id, kind=dq.KIND_DAILY, before=now
        )
        figures = await daily_figures(
            session,
            contract_id=contract_id,
            book=book,
            zone=zone,
            after=last or now - ONE_DAY,
            until=now,
        )
    return daily_message(lang, [(figures, zone)], late_due=None)


def _period(book: Rulebook, text: str | None, now: dt.datetime) -> Period:
    if text is None:
        return period_of(book, now)
    try:
        return parse_period(book, text)
    except PeriodError:
        example = "2024Q1" if book.period.unit == "quarter" else "2026-07"
        raise BotError("dg_bad_period", text=text, example=example) from None


async def _assessment(
    update: Update, context: FloorContext, contract_id: str, period_text: str | None, lang: str
) -> None:
    services = context.services
    now = services.clock.now()
    async with services.sessions() as session:
        contract, book = await contract_book(session, services.rulebooks, contract_id)
        zone = ZoneInfo(contract.timezone)
        period = _period(book, period_text, now)
        figures = await period_figures(
            session,
            contract_id=contract_id,
            book=book,
            period=period,
            now=now,
            adjustments_after=period.start_utc,
        )
    names = {"contract": contract_id, "period": period.label}
    chat = update.effective_chat
    assert chat is not None
    await say(update, period_message(lang, figures, zone, closing=False, late_due=None))
    await chat.send_document(
        figures.xlsx,
        filename=f"{contract_id}-{period.label}.xlsx",
        caption=t(lang, "as_table_caption", **names),
    )
    count = min(len(figures.standing.history) + 1, CHART_PERIODS)
    await chat.send_photo(
        figures.chart,
        filename=f"{contract_id}-{period.label}.png",
        caption=t(lang, "as_chart_caption", count=count, **names),
    )


@public("marks that a user who writes again can be sent to")
async def unblock(update: Update, context: FloorContext) -> None:
    """Every update: a writer known to be marked is unmarked now, the others at the reload."""
    runner = runner_of(context.application)
    user = update.effective_user
    if runner is None or user is None or update.my_chat_member is not None:
        return  # (blocking or unblocking the bot is not writing to it)
    person_id = runner.blocked.wrote(user.id)
    if person_id is None:
        return
    async with write_session(context.services.sessions) as session:
        await dq.unblock(session, person_id=person_id)


async def reload_blocked(context: FloorContext) -> None:
    """On every process: reload the marks, unmarking whoever wrote here since the last time."""
    runner = runner_of(context.application)
    if runner is not None:
        await runner.load_blocked()


def register(app: FloorApp) -> None:
    app.add_handler(TypeHandler(Update, unblock), group=UNBLOCK_GROUP)
    if app.job_queue is not None:  # not bot.app.jobs' leader-only work: every process reloads
        every = app.bot_data.services.settings.digest_poll_seconds
        app.job_queue.run_repeating(reload_blocked, every, first=every, name=BLOCKED_JOB)
    app.add_handler(CommandHandler("digest", digest_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=r"^dg:"))
