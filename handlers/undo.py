"""The confirmation of a recorded report, its Undo button (``undo:``) and the button's expiry."""

from __future__ import annotations

from typing import cast

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.parsing import row_id
from bot.services.permissions import Action, requires
from bot.services.reporting import Confirmed
from bot.texts.i18n import t
from bot.texts.reports import confirmation_text
from handlers.common import asking, drop_keyboard, edit, keyboard


def confirmation(confirmed: Confirmed) -> tuple[str, InlineKeyboardMarkup | None]:
    """``✅ Recorded #42: …`` with the item, points and an Undo button (none for a report that
    was recorded before)."""
    lang, recorded = confirmed.lang, confirmed.recorded
    text = confirmation_text(lang, recorded, confirmed.undo_minutes)
    if recorded.duplicate:
        return text, None
    return text, keyboard([[(t(lang, "button_undo"), f"undo:{recorded.entry_id}")]])


def schedule_undo_expiry(
    context: FloorContext, chat_id: int, message_id: int, confirmed: Confirmed
) -> None:
    """Take the Undo button away when the undo window closes."""
    if context.jobs is None:
        return
    context.jobs.run_once(
        _expire,
        when=confirmed.undo_minutes * 60,
        data=(chat_id, message_id),
        name=f"undo:{confirmed.recorded.entry_id}",
    )


async def _expire(context: FloorContext) -> None:
    """Job: remove an expired Undo button."""
    assert context.job is not None
    chat_id, message_id = cast(tuple[int, int], context.job.data)
    await drop_keyboard(context.bot, chat_id, message_id)


@requires(Action.UNDO, sample="undo:1")
async def on_undo(update: Update, context: FloorContext) -> None:
    """Undo: void one's own report while the window is open."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    entry_id = row_id((query.data or "").removeprefix("undo:"))
    if entry_id is None:
        return
    undone = await context.services.reporting.undo(asking(update, context), entry_id=entry_id)
    if not isinstance(query.message, Message):
        return
    original = query.message.text or ""
    await edit(query.message, original + "\n\n" + t(undone.lang, "undone", entry=undone.entry_id))


def register(app: FloorApp) -> None:
    app.add_handler(CallbackQueryHandler(on_undo, pattern=r"^undo:"))
