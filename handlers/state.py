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

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler, filters

from bot.app.context import BotData, FloorApp, FloorContext
from bot.app.leader import on_leader
from bot.app.outage import is_outage
from bot.services.conversation_state import FORM, decode_form
from bot.services.permissions import public
from bot.texts.i18n import language_of, t
from handlers.common import default_language, drop_keyboard, say
from handlers.conversation import chat_key
from storage import state_queries as sq
from storage.db import write_session

logger = logging.getLogger("floorbot.state")

FIRST_GROUP = -1
SWEEP_BATCH = 200
# Only a private message that is not a command can continue unfinished work (the ``Open``
# filters of handlers.conversation): a command starts something, so its state is not read —
# except /cancel, which ends whatever is open (a dispute's or a decision's /cancel wins).
CANCEL = filters.Regex(r"^/cancel(?:@\w+)?(?:\s|$)")
CONTINUES_WORK = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & (~filters.COMMAND | CANCEL)


@public("bookkeeping before every update: drops redeliveries, notes unfinished work")
async def preload(update: Update, context: FloorContext) -> None:
    """Drop a redelivered update; note the unfinished work of a private message's user."""
    services = context.services
    try:
        async with services.sessions() as session:
            if await sq.processed(session, update.update_id):
                raise ApplicationHandlerStop
            if CONTINUES_WORK.check_update(update):
                kinds = await sq.open_kinds(session, chat_key(update), now=services.clock.now())
                context.bot_data.note(update.update_id).open = kinds
    except (SQLAlchemyError, OSError) as exc:
        if not is_outage(exc):
            raise
        logger.warning("update %s not handled: the database is unreachable", update.update_id)
        await _say_unavailable(update, context)
        raise ApplicationHandlerStop from exc


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
    now = context.services.clock.now()
    cards: list[tuple[int, int]] = []
    async with write_session(context.services.sessions) as session:
        for row in await sq.expired(session, now=now, limit=SWEEP_BATCH):
            removed = await sq.remove_if_expired(session, row, now=now)
            form = decode_form(row.data) if removed and row.kind == FORM else None
            if form is not None and form.card_id is not None:
                cards.append((form.chat_id, form.card_id))
    for chat_id, card_id in cards:
        await drop_keyboard(context.bot, chat_id, card_id)


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
