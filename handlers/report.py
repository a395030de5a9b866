"""``/report``: the guided report, one card edited in place (callback data ``rep:``), /cancel.

The form lives in the database (handlers.conversation), not in one process's memory: every
step reads it, changes it and writes it back in one transaction that also claims the update,
so any bot process can take the next step, a restart keeps the form, and a redelivered step
is not applied twice. Typed answers and photos reach the form only while one is open (the
Open filter, from handlers.state); otherwise they go on to the one-line reports.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.app.context import FloorApp, FloorContext
from bot.services.choices import books_for
from bot.services.conversation_state import FORM
from bot.services.drafts import Photo
from bot.services.errors import BotError
from bot.services.guided_form import Form
from bot.services.permissions import Action, Actor, public, require, require_any, requires
from bot.texts.i18n import t
from handlers import report_inputs as inputs
from handlers.common import PRIVATE, download_photo, drop_keyboard, say
from handlers.conversation import Open, chat_key, load_form, save_form, transact_chat
from handlers.report_buttons import on_button
from handlers.report_views import Shown, book_of, present, refresh_card, render_form

# -- entry -------------------------------------------------------------------------------


@requires(Action.REPORT)
async def start_report(update: Update, context: FloorContext) -> None:
    """/report: open a new form (with the photo it replies to, if any)."""
    now = context.services.clock.now()
    photo = await _replied_photo(update, context)
    key = chat_key(update)

    async def begin(session: AsyncSession, actor: Actor) -> tuple[Shown, int | None]:
        books = books_for(actor, context.services.rulebooks, require_any(actor, Action.REPORT))
        previous = await load_form(session, key, now)
        form = Form(now, list(books), {c: b.id for c, b in books.items()}, key.chat_id)
        if len(form.contracts) == 1:
            form.choose_contract(form.contracts[0])
        if photo is not None:
            form.photos.append(photo)
        shown = await render_form(session, context, form, actor)
        await save_form(session, context, key, form)
        return shown, previous.card_id if previous is not None else None

    done = await transact_chat(update, context, begin)
    if done is None:
        return
    shown, previous_card = done.value
    if previous_card is not None:
        await drop_keyboard(context.bot, key.chat_id, previous_card)
    await present(update, context, shown, new_card=True)


async def _replied_photo(update: Update, context: FloorContext) -> Photo | None:
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    if replied is None or not replied.photo:
        return None
    return await download_photo(context.bot, replied.photo)


# -- typed answers and photos ----------------------------------------------------------------


def _may_fill(actor: Actor, form: Form) -> None:
    """The user still inspects the form's contract (a role taken away ends the form's use)."""
    if form.contract is None:
        require_any(actor, Action.REPORT)
    else:
        require(actor, Action.REPORT, form.contract)


@requires(Action.REPORT)
async def on_text(update: Update, context: FloorContext) -> None:
    """A typed answer: staff name, value, quantity or time, depending on the step."""
    message = update.effective_message
    assert message is not None and message.text is not None
    text, now, key = message.text, context.services.clock.now(), chat_key(update)

    async def work(session: AsyncSession, actor: Actor) -> Shown:
        form = await load_form(session, key, now)
        if form is None:
            raise BotError("rep_inactive")
        _may_fill(actor, form)
        book = book_of(context, form)
        if book is None:
            raise BotError("rep_need_text")
        await inputs.apply_text(session, form, book, text, now)
        shown = await render_form(session, context, form, actor)
        await save_form(session, context, key, form)
        return shown

    done = await transact_chat(update, context, work)
    if done is not None:
        await present(update, context, done.value, new_card=True)


@requires(Action.REPORT)
async def on_photo(update: Update, context: FloorContext) -> None:
    """A photo during the form is evidence for it (an album fills one card)."""
    message = update.effective_message
    assert message is not None and message.photo
    photo = await download_photo(context.bot, message.photo)
    group, now, key = message.media_group_id, context.services.clock.now(), chat_key(update)

    async def work(session: AsyncSession, actor: Actor) -> tuple[Shown, bool]:
        form = await load_form(session, key, now)
        if form is None:
            raise BotError("rep_inactive")
        _may_fill(actor, form)
        form.photos.append(photo)
        same_album = group is not None and group == form.media_group
        form.media_group = group
        shown = await render_form(session, context, form, actor)
        await save_form(session, context, key, form)
        return shown, same_album and form.card_id is not None

    done = await transact_chat(update, context, work)
    if done is None:
        return
    shown, same_album = done.value
    if same_album:
        await refresh_card(context, shown)
    else:
        await present(update, context, shown, new_card=True)


@public("drops the user's own unfinished form")
async def cancel(update: Update, context: FloorContext) -> None:
    """/cancel: drop the form (or say there is nothing to cancel)."""
    key, now = chat_key(update), context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> Form | None:
        form = await load_form(session, key, now)
        await save_form(session, context, key, None)
        return form

    done = await transact_chat(update, context, work)
    if done is None:
        return
    form = done.value
    if form is None:
        await say(update, t(done.lang, "nothing_to_cancel"))
        return
    if form.card_id is not None:
        await drop_keyboard(context.bot, form.chat_id, form.card_id)
    await say(update, t(done.lang, "cancelled"))


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
