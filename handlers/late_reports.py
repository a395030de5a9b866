"""Approve / Reject under a late report (``late:ok:<id>``, ``late:no:<id>``): a manager decides.

The first tap decides, once (two managers at the same moment settle it once); the other
managers' copies lose their buttons and say who decided, and the inspector is told
(bot.services.late_decisions: who is told what).
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.late_decisions import LateDecided
from bot.services.parsing import row_id
from bot.services.permissions import Action, requires
from bot.texts.digests import late_copy_text, late_outcome, late_told_text
from handlers.common import asking, edit

logger = logging.getLogger("floorbot.late")
VERBS = {"ok": True, "no": False}


@requires(Action.APPROVE_LATE, sample="late:ok:1")
async def on_decision(update: Update, context: FloorContext) -> None:
    """A manager's Approve or Reject."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, verb, ident = ((query.data or "") + "::").split(":")[:3]
    late_id = row_id(ident)
    if verb not in VERBS or late_id is None:
        return
    found = await context.services.digests.decide_late(
        asking(update, context), late_id=late_id, approve=VERBS[verb]
    )
    if isinstance(query.message, Message):
        note = late_outcome(found.lang, found)
        await edit(query.message, (query.message.text or "") + "\n\n" + note)
    await _tell_managers(context, found)
    await _tell_inspector(context, found)


async def _tell_managers(context: FloorContext, found: LateDecided) -> None:
    """The other managers' copies of the request: no more buttons, and who decided."""
    for copy in found.copies:
        text = late_copy_text(copy.lang, found)
        try:
            await context.bot.edit_message_text(text, copy.chat_id, copy.message_id)
        except TelegramError as exc:
            logger.warning(
                "late report %s: copy in chat %s not updated: %s",
                found.request.id,
                copy.chat_id,
                exc,
            )


async def _tell_inspector(context: FloorContext, found: LateDecided) -> None:
    """The inspector who reported learns the decision."""
    inspector = found.inspector
    if inspector is None:
        return
    try:
        await context.bot.send_message(inspector.chat_id, late_told_text(inspector.lang, found))
    except TelegramError as exc:
        logger.warning("late report %s: inspector not told: %s", found.request.id, exc)


def register(app: FloorApp) -> None:
    app.add_handler(CallbackQueryHandler(on_decision, pattern=r"^late:"))
