"""One-line reports: ``/late 张三 25``, ``/dress 李四``, ``/handover 3``, as text or photo caption.

Also: which contract (``q:``) when a command fits several, albums, and unknown commands. The
albums and the waiting choices live in the database, changed in the same unit of work as the
report they belong to (bot.services.reporting), so any bot process can take the next photo or
the tap on a choice.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.app.context import BotData, FloorApp, FloorContext
from bot.services.drafts import Photo
from bot.services.parsing import command_name
from bot.services.permissions import Action, public, requires
from bot.services.reporting import Confirmed, ContractChoice
from bot.texts.i18n import t
from bot.texts.reports import EXAMPLE_STAFF
from handlers.common import PRIVATE, asking, download_photo, keyboard, say
from handlers.undo import confirmation_notice, expire_buttons

# How long to wait for an album's captioned photo before telling the user how to report.
ALBUM_SETTLE_SECONDS = 3
EXAMPLE = f"/late {EXAMPLE_STAFF} 25"


@requires(Action.REPORT, sample="/late 张三 25")
async def on_command(update: Update, context: FloorContext) -> None:
    """Any command not handled elsewhere: a rulebook alias is a report; anything else is unknown."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    name = command_name(message.text, context.bot.username)
    if name is None:
        return
    if name not in context.bot_data.report_commands:
        await _unknown(update, context, name)
        return
    replied = message.reply_to_message
    photos = [await download_photo(context.bot, replied.photo)] if replied and replied.photo else []
    await report(update, context, message, message.text, photos)


@requires(Action.REPORT)
async def on_caption(update: Update, context: FloorContext) -> None:
    """A photo whose caption is a one-line report: the report and its evidence."""
    message = update.effective_message
    if message is None or not message.caption or not message.photo:
        return
    photos = [await download_photo(context.bot, message.photo)]
    if context.bot_data.report_command(message.caption, context.bot.username) is None:
        await _unknown(update, context, command_name(message.caption, context.bot.username) or "")
        return
    await report(update, context, message, message.caption, photos)


async def _unknown(update: Update, context: FloorContext, name: str) -> None:
    lang = await context.services.reporting.language(asking(update, context))
    await say(update, t(lang, "unknown_command", command=name, example=EXAMPLE))


async def report(
    update: Update, context: FloorContext, message: Message, text: str, photos: list[Photo]
) -> None:
    """Record the one-line report (or ask which contract), then confirm it with Undo."""
    made = await context.services.reporting.one_line(
        asking(update, context),
        text=text,
        photos=photos,
        message_id=message.message_id,
        media_group=message.media_group_id,
        confirm=confirmation_notice,
    )
    if isinstance(made, ContractChoice):
        rows = [[(c, f"q:{made.token}:{i}")] for i, c in enumerate(made.contracts)]
        await say(update, t(made.lang, "choose_contract"), keyboard(rows))
        return
    await _confirm(update, context, made)


async def _confirm(update: Update, context: FloorContext, confirmed: Confirmed) -> None:
    """Send the confirmation the report kept (the outbox sends it again if this fails)."""
    delivered = await context.services.outbox.send(context.bot, confirmed.queued)
    if context.jobs is not None:
        expire_buttons(context.jobs, delivered)


@requires(Action.REPORT, sample="q:0a1b2c3d:0")
async def on_choice(update: Update, context: FloorContext) -> None:
    """The contract picked for an ambiguous one-line report (a second tap finds it taken)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, token, index = ((query.data or "") + "::").split(":")[:3]
    confirmed = await context.services.reporting.choose_contract(
        asking(update, context), token=token, index=index, confirm=confirmation_notice
    )
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)
    await _confirm(update, context, confirmed)


@public("an album's photos wait for its captioned report; attaching them checks Action.UNDO")
async def on_photo(update: Update, context: FloorContext) -> None:
    """A photo without a report command: the rest of an album, or a hint how to report."""
    message = update.effective_message
    if message is None or not message.photo:
        return
    group = message.media_group_id
    if group is None:
        lang = await context.services.reporting.language(asking(update, context))
        await say(update, t(lang, "photo_hint", example=EXAMPLE))
        return
    photo = await download_photo(context.bot, message.photo)
    reporting = context.services.reporting
    if await reporting.album_photo(asking(update, context), media_group=group, photo=photo):
        _schedule_album_hint(context, message.chat_id, update, group)


def _schedule_album_hint(context: FloorContext, chat_id: int, update: Update, group: str) -> None:
    user = update.effective_user
    if context.jobs is None or user is None:
        return
    name = f"album:{group}"
    if context.jobs.get_jobs_by_name(name):
        return
    context.jobs.run_once(
        _album_hint,
        when=ALBUM_SETTLE_SECONDS,
        data=group,
        name=name,
        chat_id=chat_id,
        user_id=user.id,
    )


async def _album_hint(context: FloorContext) -> None:
    """Job: an album arrived without a report command in its caption (said once, by one process)."""
    job = context.job
    assert job is not None and job.chat_id is not None and job.user_id is not None
    lang = await context.services.reporting.unreported_album(
        chat_id=job.chat_id, user_id=job.user_id, media_group=str(job.data)
    )
    if lang is not None:
        await context.bot.send_message(job.chat_id, t(lang, "photo_hint", example=EXAMPLE))


@public("a hint how to report")
async def on_text(update: Update, context: FloorContext) -> None:
    """Plain text outside a report form."""
    lang = await context.services.reporting.language(asking(update, context))
    await say(update, t(lang, "text_hint", example=EXAMPLE))


class ReportCommand(filters.UpdateFilter):
    """A new private text message that starts with a rulebook's command (one check, not a
    chain of filters: this one is asked about every update first)."""

    def __init__(self, bot_data: BotData) -> None:
        super().__init__(name="ReportCommand")
        self._bot_data = bot_data

    def filter(self, update: Update) -> bool:
        return self._bot_data.one_line_report(update, captions=False)


def register_first(app: FloorApp) -> None:
    """Before every other handler: the commonest request, a one-line report, is found at once
    (no other handler takes a rulebook's command, so the order changes nothing else); and a
    button without data, which PTB's CallbackQueryHandler offers to every pattern (empty
    ``data`` is never matched against one), is only answered, before any feature takes it."""
    app.add_handler(MessageHandler(ReportCommand(app.bot_data), on_command))
    app.add_handler(CallbackQueryHandler(unknown_button, pattern=_no_data))


def _no_data(data: object) -> bool:
    """A pattern no button data matches: the handler gets only queries without data."""
    return False


def register(app: FloorApp) -> None:
    """Registered after every specific command: this module takes what is left."""
    caption_command = filters.PHOTO & filters.CaptionRegex(r"^\s*/")
    app.add_handler(MessageHandler(PRIVATE & caption_command, on_caption))
    app.add_handler(MessageHandler(PRIVATE & filters.PHOTO, on_photo))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, on_command))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=r"^q:"))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(unknown_button))


@public("answers a button it does not know, and does nothing")
async def unknown_button(update: Update, context: FloorContext) -> None:
    """A button this bot does not know (an old message, crafted or empty data): just answer
    it (Telegram's buttons always carry data, so there is no one to tell anything)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
