"""``/digest [CONTRACT] [PERIOD|today]``: a period's assessment now, with table and chart.

Without a contract a manager of several picks one (buttons ``dg:``); ``today`` gives the
day's digest instead. Also here: a person marked as having blocked the bot who writes again
is unmarked, so their digests resume — by this process at once when it knows of the mark,
otherwise at its next reload of the marks (bot.app.jobs, every
``FLOORBOT_DIGEST_POLL_SECONDS``, on every process), which unmarks whoever wrote to it since
(bot.services.delivery.BlockedChats). An update from anyone else costs no query.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.digests.requests import ContractChoice, DayDigest, DigestView, PeriodDigest
from bot.services.permissions import Action, public, requires
from bot.services.table_links import ASSESSMENT, table_markup
from bot.texts.assessment import attachments, period_message
from bot.texts.digests import daily_message
from bot.texts.i18n import t
from handlers.common import PRIVATE, asking, keyboard, say

# Runs before the guard (group -1) and every feature: only reads an in-memory set.
UNBLOCK_GROUP = -2
NO_PERIOD = "-"


@requires(Action.DIGEST)
async def digest_command(update: Update, context: FloorContext) -> None:
    """/digest: the assessment of a period so far (or closed), or the day's digest."""
    view = await context.services.digests.digest(asking(update, context), args=context.args or [])
    await send_digest(update, context, view)


@requires(Action.DIGEST, sample="dg:0:-")
async def on_choice(update: Update, context: FloorContext) -> None:
    """The contract picked for /digest (its position among the manager's own contracts)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, index, period = ((query.data or "") + "::").split(":")[:3]
    view = await context.services.digests.chosen(
        asking(update, context),
        position=int(index) if index.isdecimal() else None,
        period=None if period == NO_PERIOD else period,
    )
    await send_digest(update, context, view)


async def send_digest(update: Update, context: FloorContext, view: DigestView) -> None:
    """The contracts to pick from, the day's digest, or the assessment with table and chart;
    a digest ends with "Open the table" (the Mini App) when there is one."""
    if isinstance(view, ContractChoice):
        period = view.period or NO_PERIOD
        rows = [[(c, f"dg:{i}:{period}")] for i, c in enumerate(view.contracts)]
        await say(update, t(view.lang, "dg_choose"), keyboard(rows))
        return
    standing = view.figures.standing
    table = table_markup(
        context.services.settings.webapp_url,
        view.lang,
        standing.contract_id,
        ASSESSMENT,
        standing.assessment.period.label,
    )
    if isinstance(view, DayDigest):
        texts = daily_message(view.lang, [(view.figures, view.zone)], late_due=None)
        for n, text in enumerate(texts, start=1):
            await say(update, text, table if n == len(texts) else None)
    else:
        await _assessment(update, view, table)


async def _assessment(
    update: Update, view: PeriodDigest, table: InlineKeyboardMarkup | None
) -> None:
    chat = update.effective_chat
    assert chat is not None
    figures = view.figures
    text = period_message(view.lang, figures, view.zone, closing=False, late_due=None)
    await say(update, text, table)
    sheet, chart = attachments(view.lang, figures)
    await chat.send_document(figures.xlsx, filename=sheet.filename, caption=sheet.caption)
    await chat.send_photo(figures.chart, filename=chart.filename, caption=chart.caption)


@public("marks that a user who writes again can be sent to")
async def unblock(update: Update, context: FloorContext) -> None:
    """Every update: a writer known to be marked is unmarked now, the others at the reload."""
    user = update.effective_user
    if user is None or update.my_chat_member is not None:
        return  # (blocking or unblocking the bot is not writing to it)
    await context.services.digests.wrote(user.id)


def register(app: FloorApp) -> None:
    app.add_handler(TypeHandler(Update, unblock), group=UNBLOCK_GROUP)
    app.add_handler(CommandHandler("digest", digest_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=r"^dg:"))
