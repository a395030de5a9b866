"""One-line reports: ``/late 张三 25``, ``/dress 李四``, ``/handover 3``, as text or photo caption.

Also: which contract (``q:``) when a command fits several, albums, and unknown commands.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.access import Actor
from bot.choices import known_command
from bot.context import FloorApp, FloorContext
from bot.i18n import t
from bot.parsing import command_name
from bot.reporting import Recorded, add_photos, quick_report
from bot.reports import Photo
from bot.texts import EXAMPLE_STAFF
from handlers.common import (
    PRIVATE,
    download_photo,
    keyboard,
    language_of_user,
    read_actor,
    recorded_entry,
    say,
    transact,
)
from handlers.undo import confirmation, schedule_undo_expiry, undo_minutes

# How long to wait for an album's captioned photo before telling the user how to report.
ALBUM_SETTLE_SECONDS = 3
PENDING_TOKEN_BYTES = 4
EXAMPLE = f"/late {EXAMPLE_STAFF} 25"


@dataclass
class Album:
    """Photos of one album (media group): the report they belong to, or the ones waiting for it."""

    entry_id: int | None = None
    waiting: list[Photo] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Pending:
    """A one-line report waiting for the user to pick its contract."""

    text: str
    photos: tuple[Photo, ...]
    source: tuple[int, int]
    media_group: str | None
    contracts: tuple[str, ...]


async def on_command(update: Update, context: FloorContext) -> None:
    """Any command not handled elsewhere: a rulebook alias is a report; anything else is unknown."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    name = command_name(message.text, context.bot.username)
    if name is None:
        return
    if not known_command(context.services.rulebooks, name):
        actor = await read_actor(update, context)
        await say(update, t(actor.language, "unknown_command", command=name, example=EXAMPLE))
        return
    replied = message.reply_to_message
    photos = [await download_photo(context.bot, replied.photo)] if replied and replied.photo else []
    await report(update, context, message, message.text, photos)


async def on_caption(update: Update, context: FloorContext) -> None:
    """A photo whose caption is a one-line report: the report and its evidence."""
    message = update.effective_message
    if message is None or not message.caption or not message.photo:
        return
    photos = [await download_photo(context.bot, message.photo)]
    group = message.media_group_id
    if group is not None and group in context.user_state.albums:
        photos = context.user_state.albums[group].waiting + photos
    name = command_name(message.caption, context.bot.username)
    if name is None or not known_command(context.services.rulebooks, name):
        actor = await read_actor(update, context)
        await say(update, t(actor.language, "unknown_command", command=name or "", example=EXAMPLE))
        return
    await report(update, context, message, message.caption, photos)


async def report(
    update: Update,
    context: FloorContext,
    message: Message,
    text: str,
    photos: list[Photo],
) -> None:
    """Record the one-line report (or ask which contract), then confirm it with Undo."""
    now = context.services.clock.now()
    source = (message.chat_id, message.message_id)

    async def work(session: AsyncSession, actor: Actor) -> Recorded | list[str]:
        return await quick_report(
            session,
            actor=actor,
            rulebooks=context.services.rulebooks,
            text=text,
            photos=photos,
            now=now,
            source=source,
            source_is_update=True,
        )

    done = await transact(update, context, work)
    if done is None:
        return
    if isinstance(done.value, list):
        pending = Pending(text, tuple(photos), source, message.media_group_id, tuple(done.value))
        await _ask_contract(update, context, done.lang, pending)
        return
    await _confirm(update, context, done.lang, done.value, message.media_group_id)


async def _confirm(
    update: Update, context: FloorContext, lang: str, recorded: Recorded, group: str | None
) -> None:
    recorded_entry(update, context, recorded.entry_id)
    text, markup = confirmation(context, lang, recorded)
    sent = await say(update, text, markup)
    if group is not None:
        context.user_state.albums[group] = Album(recorded.entry_id)
    if sent is not None and markup is not None:
        schedule_undo_expiry(context, sent.chat_id, sent.message_id, recorded.entry_id)


async def _ask_contract(update: Update, context: FloorContext, lang: str, pending: Pending) -> None:
    token = secrets.token_hex(PENDING_TOKEN_BYTES)
    context.user_state.pending_quick[token] = pending
    rows = [[(c, f"q:{token}:{i}")] for i, c in enumerate(pending.contracts)]
    await say(update, t(lang, "choose_contract"), keyboard(rows))


async def on_choice(update: Update, context: FloorContext) -> None:
    """The contract picked for an ambiguous one-line report."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, token, index = ((query.data or "") + "::").split(":")[:3]
    pending = context.user_state.pending_quick.pop(token, None)
    if pending is None or not index.isdigit() or int(index) >= len(pending.contracts):
        actor = await read_actor(update, context)
        await say(update, t(actor.language, "choice_expired"))
        return
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)
    await _report_pending(update, context, pending, pending.contracts[int(index)])


async def _report_pending(
    update: Update, context: FloorContext, pending: Pending, contract: str
) -> None:
    now = context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> Recorded | list[str]:
        return await quick_report(
            session,
            actor=actor,
            rulebooks=context.services.rulebooks,
            text=pending.text,
            photos=pending.photos,
            now=now,
            source=pending.source,
            source_is_update=False,
            contract_id=contract,
        )

    done = await transact(update, context, work)
    if done is not None and isinstance(done.value, Recorded):
        await _confirm(update, context, done.lang, done.value, pending.media_group)


async def on_photo(update: Update, context: FloorContext) -> None:
    """A photo without a report command: the rest of an album, or a hint how to report."""
    message = update.effective_message
    if message is None or not message.photo:
        return
    group = message.media_group_id
    if group is None:
        actor = await read_actor(update, context)
        await say(update, t(actor.language, "photo_hint", example=EXAMPLE))
        return
    album = context.user_state.albums.setdefault(group, Album())
    photo = await download_photo(context.bot, message.photo)
    if album.entry_id is None:
        album.waiting.append(photo)
        _schedule_album_hint(context, message.chat_id, update, group)
        return
    await _attach(update, context, album.entry_id, photo)


async def _attach(update: Update, context: FloorContext, entry_id: int, photo: Photo) -> None:
    now = context.services.clock.now()
    window = undo_minutes(context)

    async def work(session: AsyncSession, actor: Actor) -> None:
        await add_photos(
            session,
            actor=actor,
            entry_id=entry_id,
            photos=[photo],
            now=now,
            window=dt.timedelta(minutes=window),
        )

    await transact(update, context, work)


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
    """Job: an album arrived without a report command in its caption."""
    assert context.job is not None and context.job.chat_id is not None
    album = context.user_state.albums.get(str(context.job.data))
    if album is None or album.entry_id is not None:
        return
    context.user_state.albums.pop(str(context.job.data), None)
    lang = await language_of_user(context, context.job.user_id)
    await context.bot.send_message(context.job.chat_id, t(lang, "photo_hint", example=EXAMPLE))


async def on_text(update: Update, context: FloorContext) -> None:
    """Plain text outside a report form."""
    actor = await read_actor(update, context)
    await say(update, t(actor.language, "text_hint", example=EXAMPLE))


def register(app: FloorApp) -> None:
    """Registered after every specific command: this module takes what is left."""
    caption_command = filters.PHOTO & filters.CaptionRegex(r"^\s*/")
    app.add_handler(MessageHandler(PRIVATE & caption_command, on_caption))
    app.add_handler(MessageHandler(PRIVATE & filters.PHOTO, on_photo))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, on_command))
    app.add_handler(CallbackQueryHandler(on_choice, pattern=r"^q:"))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(unknown_button))


async def unknown_button(update: Update, context: FloorContext) -> None:
    """A button this bot does not know (an old message, or crafted data): just answer it."""
    query = update.callback_query
    assert query is not None
    await query.answer()
