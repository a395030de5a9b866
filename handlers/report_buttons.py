"""The guided report's buttons (callback data ``rep:``): checked against the live card first.

A press on the card on screen is answered at once, then applied in one unit of work (holding
the chat's lock, claiming the update) by bot.services.guided — for Confirm, recording the
report and ending the form in the same commit. Telegram is told afterwards. A button of an
older card is answered with an alert: its report was recorded, or the form is gone.
"""

from __future__ import annotations

import contextlib

from telegram import Message, Update
from telegram.error import TelegramError

from bot.app.context import FloorContext
from bot.services.guided import Pressed
from bot.services.permissions import Action, requires
from bot.texts.i18n import t
from handlers.common import asking, drop_keyboard, edit
from handlers.report_views import present
from handlers.undo import confirmation_notice, expire_buttons


@requires(Action.REPORT, sample="rep:c:0")
async def on_button(update: Update, context: FloorContext) -> None:
    """Every ``rep:`` button: check it belongs to the live card, apply it, show the result."""
    query = update.callback_query
    assert query is not None
    guided = context.services.guided
    message_id = query.message.message_id if query.message is not None else None
    stale = await guided.stale(asking(update, context), message_id=message_id)
    if stale is not None:
        if stale.entry_id is not None:
            text = t(stale.lang, "already_recorded", id=stale.entry_id)
        else:
            text = t(stale.lang, "rep_inactive")
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    args = (query.data or "").split(":")[1:]
    pressed = await guided.press(
        asking(update, context), message_id=message_id, args=args, confirm=confirmation_notice
    )
    if pressed is not None:
        await _show(update, context, pressed)


async def _show(update: Update, context: FloorContext, pressed: Pressed) -> None:
    query = update.callback_query
    assert query is not None
    if pressed.card is not None:
        await present(update, context, pressed.card, new_card=False)
    elif pressed.confirmed is not None:
        assert isinstance(query.message, Message)
        # The confirmation the report kept, as a new message (the outbox sends it again if this
        # fails); the card keeps its summary, without its buttons.
        delivered = await context.services.outbox.send(context.bot, pressed.confirmed.queued)
        if context.jobs is not None:
            expire_buttons(context.jobs, delivered)
        with contextlib.suppress(TelegramError):
            await drop_keyboard(context.bot, query.message.chat_id, query.message.message_id)
    elif pressed.cancelled:
        assert isinstance(query.message, Message)
        await edit(query.message, t(pressed.lang, "cancelled"))
