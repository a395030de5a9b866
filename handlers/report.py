"""``/report``: the guided report, one card edited in place (callback data ``rep:``), /cancel."""

from __future__ import annotations

import warnings
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.access import Action, Actor, require_any
from bot.choices import books_for
from bot.context import FloorApp, FloorContext
from bot.errors import BotError
from bot.guided import Form, Step
from bot.i18n import t
from bot.texts import render_error
from handlers import report_inputs as inputs
from handlers.common import (
    PRIVATE,
    download_photo,
    drop_keyboard,
    read_actor,
    say,
    transact,
)
from handlers.report_buttons import on_button, stale_button
from handlers.report_views import book_of, form_of, refresh_card, show
from scoring.rulebook import Rulebook

# -- entry -------------------------------------------------------------------------------


async def start_report(update: Update, context: FloorContext) -> Step | int:
    """/report: open a new form (with the photo it replies to, if any)."""
    now = context.services.clock.now()

    async def begin(session: AsyncSession, actor: Actor) -> dict[str, Rulebook]:
        return books_for(actor, context.services.rulebooks, require_any(actor, Action.REPORT))

    done = await transact(update, context, begin)
    if done is None:
        return ConversationHandler.END
    assert update.effective_chat is not None
    form = Form(
        now, list(done.value), {c: b.id for c, b in done.value.items()}, update.effective_chat.id
    )
    if len(form.contracts) == 1:
        form.choose_contract(form.contracts[0])
    await _attach_replied_photo(update, context, form)
    previous = form_of(context)
    if previous is not None and previous.card_id is not None:
        await drop_keyboard(context.bot, previous.chat_id, previous.card_id)
    context.user_state.draft = form
    return await show(update, context, form, done.actor, new_card=True)


async def _attach_replied_photo(update: Update, context: FloorContext, form: Form) -> None:
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    if replied is not None and replied.photo:
        form.photos.append(await download_photo(context.bot, replied.photo))


# -- typed answers and photos ----------------------------------------------------------------


async def on_text(update: Update, context: FloorContext) -> Step | int | None:
    """A typed answer: staff name, value, quantity or time, depending on the step."""
    form = form_of(context)
    message = update.effective_message
    if form is None or message is None or message.text is None:
        return ConversationHandler.END
    actor = await read_actor(update, context)
    book = book_of(context, form)
    if book is None:
        await say(update, t(actor.language, "rep_need_text"))
        return None
    try:
        async with context.services.sessions() as session:
            await inputs.apply_text(session, form, book, message.text, context.services.clock.now())
    except BotError as error:
        await say(update, render_error(actor.language, error))
        return None
    return await show(update, context, form, actor, new_card=True)


async def on_photo(update: Update, context: FloorContext) -> Step | int | None:
    """A photo during the form is evidence for it (an album fills one card)."""
    form = form_of(context)
    message = update.effective_message
    if form is None or message is None or not message.photo:
        return ConversationHandler.END
    actor = await read_actor(update, context)
    form.photos.append(await download_photo(context.bot, message.photo))
    same_album = message.media_group_id is not None and message.media_group_id == form.media_group
    form.media_group = message.media_group_id
    if same_album and form.card_id is not None:
        return await refresh_card(update, context, form, actor)
    return await show(update, context, form, actor, new_card=True)


async def cancel(update: Update, context: FloorContext) -> int:
    """/cancel: drop the form."""
    form = form_of(context)
    actor = await read_actor(update, context)
    context.user_state.draft = None
    if form is not None and form.card_id is not None:
        await drop_keyboard(context.bot, form.chat_id, form.card_id)
    await say(update, t(actor.language, "cancelled"))
    return ConversationHandler.END


async def timed_out(update: Update, context: FloorContext) -> None:
    """The form was left alone too long: take its buttons away."""
    form = form_of(context)
    context.user_state.draft = None
    if form is not None and form.card_id is not None:
        await drop_keyboard(context.bot, form.chat_id, form.card_id)


async def nothing_to_cancel(update: Update, context: FloorContext) -> None:
    """/cancel with no form open."""
    actor = await read_actor(update, context)
    await say(update, t(actor.language, "nothing_to_cancel"))


def conversation(timeout_seconds: float) -> ConversationHandler[FloorContext]:
    """The guided report's states; every state takes its buttons, typed answers and photos."""
    buttons = CallbackQueryHandler(on_button, pattern=r"^rep:")
    text = MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, on_text)
    caption_command = filters.CaptionRegex(r"^\s*/")
    photo = MessageHandler(PRIVATE & filters.PHOTO & ~caption_command, on_photo)
    states: dict[object, list[Any]] = {step: [buttons, text, photo] for step in Step}
    states[ConversationHandler.TIMEOUT] = [
        MessageHandler(filters.ALL, timed_out),
        CallbackQueryHandler(timed_out),
    ]
    with warnings.catch_warnings():
        # Buttons are checked against the form's own card (see _pressed), so tracking
        # conversations per chat and user, not per message, is what this flow wants.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("report", start_report, filters=PRIVATE)],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel, filters=PRIVATE)],
            allow_reentry=True,
            conversation_timeout=timeout_seconds,
            name="report",
        )


def register(app: FloorApp) -> None:
    settings = app.bot_data.services.settings
    app.add_handler(conversation(settings.conversation_timeout_minutes * 60))
    app.add_handler(CallbackQueryHandler(stale_button, pattern=r"^rep:"))
    app.add_handler(CommandHandler("cancel", nothing_to_cancel, filters=PRIVATE))
