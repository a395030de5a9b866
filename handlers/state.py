"""Before every update (group -1): skip one already handled, note the user's unfinished work.

Telegram delivers an update again when its first delivery was not acknowledged (a crash, a
restart): a redelivered update that was handled already is dropped here, silently — except a
one-line report (handlers.quick), whose own transaction claims the update id first thing and
drops a redelivery there, so the commonest request costs one transaction, not two. For a
private message other than a command (but /cancel), the kinds of unfinished work the user has
(a report form ...) are read from the database, so whichever process gets the message routes
it the same way (the ``Open`` filter of handlers.conversation). A database that cannot be
reached is said once, here.

A job on the leading process (bot.app.leader) removes expired conversation state and takes the
buttons away from report forms that timed out.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler, filters

from bot.app.context import BotData, FloorApp, FloorContext
from bot.app.leader import on_leader
from bot.services.outage import is_outage
from bot.services.permissions import public
from bot.texts.i18n import language_of, t
from handlers.common import asking, default_language, drop_keyboard, say

logger = logging.getLogger("floorbot.state")

FIRST_GROUP = -1
# Only a private message that is not a command can continue unfinished work (the ``Open``
# filters of handlers.conversation): a command starts something, so its state is not read —
# except /cancel, which ends whatever is open (a dispute's or a decision's /cancel wins).
CANCEL = filters.Regex(r"^/cancel(?:@\w+)?(?:\s|$)")
CONTINUES_WORK = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & (~filters.COMMAND | CANCEL)


@public("bookkeeping before every update: drops redeliveries, notes unfinished work")
async def preload(update: Update, context: FloorContext) -> None:
    """Drop a redelivered update; note the unfinished work of a private message's user."""
    continuing = asking(update, context) if CONTINUES_WORK.check_update(update) else None
    try:
        new = await context.services.bookkeeping.arrival(update.update_id, continuing=continuing)
    except Exception as exc:
        if not is_outage(exc):
            raise
        logger.warning("update %s not handled: the database is unreachable", update.update_id)
        await _say_unavailable(update, context)
        raise ApplicationHandlerStop from exc
    if not new:
        raise ApplicationHandlerStop


async def _say_unavailable(update: Update, context: FloorContext) -> None:
    user = update.effective_user
    lang = language_of(None, user.language_code if user else None, default_language(context))
    if update.callback_query is not None:
        await update.callback_query.answer(t(lang, "db_unavailable"), show_alert=True)
        return
    await say(update, t(lang, "db_unavailable"))


@on_leader
async def sweep(context: FloorContext) -> None:
    """Job: remove expired conversation state; take the buttons off timed-out forms."""
    for card in await context.services.bookkeeping.sweep():
        await drop_keyboard(context.bot, card.chat_id, card.message_id)


class _Preload(TypeHandler[Update, FloorContext, None]):
    """Every update but a one-line report (a rulebook command, not one of the bot's own),
    which claims its update itself (see the module): it is not even handed to ``preload``."""

    def __init__(self, bot_data: BotData) -> None:
        super().__init__(Update, preload)
        self._bot_data = bot_data

    def check_update(self, update: object) -> bool:
        return isinstance(update, Update) and not self._bot_data.one_line_report(
            update, captions=True
        )


def register(app: FloorApp) -> None:
    app.add_handler(_Preload(app.bot_data), group=FIRST_GROUP)
    if app.job_queue is not None:
        every = app.bot_data.services.settings.state_sweep_seconds
        app.job_queue.run_repeating(sweep, interval=every, first=every, name="state:sweep")
