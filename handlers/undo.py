"""The confirmation of a recorded report, its Undo button (``undo:``) and the button's expiry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, JobQueue

from bot.app.context import FloorApp, FloorContext
from bot.services.outbox import Delivered, Rows
from bot.services.parsing import row_id
from bot.services.permissions import Action, requires
from bot.services.reporting import Confirmed
from bot.texts.i18n import t
from bot.texts.reports import confirmation_text
from handlers.common import asking, drop_keyboard, edit, keyboard


def confirmation(confirmed: Confirmed) -> tuple[str, InlineKeyboardMarkup | None]:
    """``✅ Recorded #42: …`` with the item, points and an Undo button (none for a report that
    was recorded before)."""
    text, rows = confirmation_notice(confirmed)
    return text, keyboard(rows) if rows else None


def confirmation_notice(confirmed: Confirmed) -> tuple[str, Rows]:
    """The confirmation's text and buttons, as the outbox keeps them."""
    lang, recorded = confirmed.lang, confirmed.recorded
    text = confirmation_text(lang, recorded, confirmed.undo_minutes)
    if recorded.duplicate:
        return text, ()
    return text, (((t(lang, "button_undo"), f"undo:{recorded.entry_id}"),),)


def schedule_undo_expiry(
    context: FloorContext, chat_id: int, message_id: int, confirmed: Confirmed
) -> None:
    """Take the Undo button away when the undo window closes."""
    if context.jobs is None:
        return
    expire_later(
        context.jobs, chat_id, message_id, confirmed.recorded.entry_id, confirmed.undo_minutes
    )


def expire_later(
    jobs: JobQueue[FloorContext], chat_id: int, message_id: int, entry_id: int, minutes: int
) -> None:
    """Take the Undo button of a confirmation that just arrived away in ``minutes``."""
    jobs.run_once(_expire, when=minutes * 60, data=(chat_id, message_id), name=f"undo:{entry_id}")


def expire_buttons(jobs: JobQueue[FloorContext], delivered: Sequence[Delivered]) -> None:
    """Each confirmation that just arrived loses its Undo button when its window closes."""
    for message in delivered:
        if message.entry_id is not None and message.undo_minutes is not None:
            minutes = message.undo_minutes
            expire_later(jobs, message.chat_id, message.message_id, message.entry_id, minutes)


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
