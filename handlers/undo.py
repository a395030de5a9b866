"""The confirmation of a recorded report, its Undo button (``undo:``) and the button's expiry."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.parsing import row_id
from bot.services.permissions import Action, Actor, requires
from bot.services.reporting import Recorded, undo
from bot.texts.i18n import t
from bot.texts.reports import report_lines
from handlers.common import drop_keyboard, edit, keyboard, transact


def undo_minutes(context: FloorContext) -> int:
    return context.services.settings.undo_window_minutes


def confirmation(
    context: FloorContext, lang: str, recorded: Recorded
) -> tuple[str, InlineKeyboardMarkup | None]:
    """``✅ Recorded #42: …`` with the item, points and an Undo button."""
    if recorded.duplicate:
        return t(lang, "already_recorded", id=recorded.entry_id), None
    lines = report_lines(lang, recorded.book, recorded.draft, recorded.cost, photos=recorded.photos)
    text = t(lang, "recorded", id=recorded.entry_id, summary="\n".join(lines))
    text += "\n" + t(lang, "undo_hint", minutes=undo_minutes(context))
    markup = keyboard([[(t(lang, "button_undo"), f"undo:{recorded.entry_id}")]])
    return text, markup


def schedule_undo_expiry(context: FloorContext, chat_id: int, message_id: int, entry: int) -> None:
    """Take the Undo button away when the undo window closes."""
    if context.jobs is None:
        return
    context.jobs.run_once(
        _expire,
        when=undo_minutes(context) * 60,
        data=(chat_id, message_id),
        name=f"undo:{entry}",
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
    entry_text = (query.data or "").removeprefix("undo:")
    entry_id = row_id(entry_text)
    if entry_id is None:
        return
    now = context.services.clock.now()
    window = dt.timedelta(minutes=undo_minutes(context))

    async def work(session: AsyncSession, actor: Actor) -> int:
        entry = await undo(
            session,
            actor=actor,
            rulebooks=context.services.rulebooks,
            entry_id=entry_id,
            now=now,
            window=window,
        )
        assert entry.id is not None
        return entry.id

    done = await transact(update, context, work)
    if done is None or not isinstance(query.message, Message):
        return
    original = query.message.text or ""
    await edit(query.message, original + "\n\n" + t(done.lang, "undone", entry=done.value))


def register(app: FloorApp) -> None:
    app.add_handler(CallbackQueryHandler(on_undo, pattern=r"^undo:"))
