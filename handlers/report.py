"""``/report``: the guided report, one card edited in place (callback data ``rep:``), /cancel.

The form lives in the database (bot.services.guided), not in one process's memory, so any bot
process can take the next step and a restart keeps the form. Typed answers and photos reach
the form only while one is open (the Open filter, from handlers.state's preload); otherwise
they go on to the one-line reports.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.app.context import FloorApp, FloorContext
from bot.services.conversation_state import FORM
from bot.services.drafts import Photo
from bot.services.permissions import Action, public, requires
from bot.texts.i18n import t
from handlers.common import PRIVATE, asking, download_photo, drop_keyboard, say
from handlers.conversation import Open
from handlers.report_buttons import on_button
from handlers.report_views import present, refresh_card


@requires(Action.REPORT)
async def start_report(update: Update, context: FloorContext) -> None:
    """/report: open a new form (with the photo it replies to, if any)."""
    photo = await _replied_photo(update, context)
    started = await context.services.guided.start(asking(update, context), photo=photo)
    card = started.card
    if started.previous_card is not None:
        await drop_keyboard(context.bot, card.chat_id, started.previous_card)
    await present(update, context, card, new_card=True)


async def _replied_photo(update: Update, context: FloorContext) -> Photo | None:
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    if replied is None or not replied.photo:
        return None
    return await download_photo(context.bot, replied.photo)


@requires(Action.REPORT)
async def on_text(update: Update, context: FloorContext) -> None:
    """A typed answer: staff name, value, quantity or time, depending on the step."""
    message = update.effective_message
    assert message is not None and message.text is not None
    card = await context.services.guided.answer(asking(update, context), text=message.text)
    await present(update, context, card, new_card=True)


@requires(Action.REPORT)
async def on_photo(update: Update, context: FloorContext) -> None:
    """A photo during the form is evidence for it (an album fills one card)."""
    message = update.effective_message
    assert message is not None and message.photo
    photo = await download_photo(context.bot, message.photo)
    taken = await context.services.guided.add_photo(
        asking(update, context), photo=photo, media_group=message.media_group_id
    )
    if taken.same_album:
        await refresh_card(context, taken.card)
    else:
        await present(update, context, taken.card, new_card=True)


@public("drops the user's own unfinished form")
async def cancel(update: Update, context: FloorContext) -> None:
    """/cancel: drop the form (or say there is nothing to cancel)."""
    cancelled = await context.services.guided.cancel(asking(update, context))
    if not cancelled.had_form:
        await say(update, t(cancelled.lang, "nothing_to_cancel"))
        return
    if cancelled.card_id is not None:
        chat = update.effective_chat
        assert chat is not None
        await drop_keyboard(context.bot, chat.id, cancelled.card_id)
    await say(update, t(cancelled.lang, "cancelled"))


def register(app: FloorApp) -> None:
    form_open = Open(app.bot_data, FORM)
    caption_command = filters.CaptionRegex(r"^\s*/")
    app.add_handler(CommandHandler("report", start_report, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^rep:"))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND & form_open, on_text))
    app.add_handler(
        MessageHandler(PRIVATE & filters.PHOTO & ~caption_command & form_open, on_photo)
    )
    app.add_handler(CommandHandler("cancel", cancel, filters=PRIVATE))
