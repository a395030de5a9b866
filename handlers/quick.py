"""One-line reports: ``/late 张三 25``, ``/dress 李四``, ``/handover 3``, as text or photo caption.

Also: which contract (``q:``) when a command fits several, albums, and unknown commands. The
albums and the waiting choices live in the database (handlers.conversation), changed in the
same transaction as the report they belong to, so any bot process can take the next photo or
the tap on a choice.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.app.context import BotData, FloorApp, FloorContext
from bot.services.conversation_state import Album, Pending
from bot.services.drafts import Photo
from bot.services.errors import BotError
from bot.services.parsing import command_name
from bot.services.permissions import Action, Actor, public, requires
from bot.services.reporting import Recorded, add_photos, quick_report
from bot.texts.i18n import t
from bot.texts.reports import EXAMPLE_STAFF
from handlers.common import (
    PRIVATE,
    Done,
    download_photo,
    keyboard,
    language_of_user,
    read_actor,
    recorded_entry,
    say,
)
from handlers.conversation import (
    load_album,
    save_album,
    save_pending,
    take_pending,
    transact_chat,
)
from handlers.undo import confirmation, schedule_undo_expiry, undo_minutes
from storage import bot_queries as bq
from storage.db import write_session
from storage.state_queries import ChatKey

# How long to wait for an album's captioned photo before telling the user how to report.
ALBUM_SETTLE_SECONDS = 3
PENDING_TOKEN_BYTES = 4
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
        actor = await read_actor(update, context)
        await say(update, t(actor.language, "unknown_command", command=name, example=EXAMPLE))
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
        name = command_name(message.caption, context.bot.username) or ""
        actor = await read_actor(update, context)
        await say(update, t(actor.language, "unknown_command", command=name, example=EXAMPLE))
        return
    await report(update, context, message, message.caption, photos)


async def report(
    update: Update,
    context: FloorContext,
    message: Message,
    text: str,
    photos: list[Photo],
) -> None:
    """Record the one-line report (or ask which contract), then confirm it with Undo.

    An album's photos that came before its captioned one are taken from the album's state,
    and the album remembers the report, in the report's own transaction.
    """
    now = context.services.clock.now()
    source = (message.chat_id, message.message_id)
    key, group = ChatKey(message.chat_id, _user_id(update)), message.media_group_id
    token = ""  # names the pending choice, when there is one

    async def work(session: AsyncSession, actor: Actor) -> Recorded | list[str]:
        album = await load_album(session, key, group, now) if group is not None else None
        everything = (album.waiting if album is not None else []) + photos
        result = await quick_report(
            session,
            actor=actor,
            rulebooks=context.services.rulebooks,
            text=text,
            photos=everything,
            now=now,
            source=source,
            source_is_update=True,
        )
        if isinstance(result, list):
            nonlocal token
            token = secrets.token_hex(PENDING_TOKEN_BYTES)
            pending = Pending(text, tuple(everything), source, group, tuple(result))
            await save_pending(session, context, key, token, pending)
        elif group is not None:
            await save_album(session, context, key, group, Album(result.entry_id))
        return result

    done = await transact_chat(update, context, work)
    if done is None:
        return
    if isinstance(done.value, list):
        rows = [[(c, f"q:{token}:{i}")] for i, c in enumerate(done.value)]
        await say(update, t(done.lang, "choose_contract"), keyboard(rows))
        return
    await _confirm(update, context, done.lang, done.value)


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _confirm(update: Update, context: FloorContext, lang: str, recorded: Recorded) -> None:
    recorded_entry(update, context, recorded.entry_id)
    text, markup = confirmation(context, lang, recorded)
    sent = await say(update, text, markup)
    if sent is not None and markup is not None:
        schedule_undo_expiry(context, sent.chat_id, sent.message_id, recorded.entry_id)


@requires(Action.REPORT, sample="q:0a1b2c3d:0")
async def on_choice(update: Update, context: FloorContext) -> None:
    """The contract picked for an ambiguous one-line report (a second tap finds it taken)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, token, index = ((query.data or "") + "::").split(":")[:3]
    now, key = context.services.clock.now(), ChatKey(_chat_id(update), _user_id(update))

    async def work(session: AsyncSession, actor: Actor) -> Recorded | list[str]:
        pending = await take_pending(session, key, token, now)
        if pending is None or not index.isdecimal() or int(index) >= len(pending.contracts):
            raise BotError("choice_expired")
        result = await quick_report(
            session,
            actor=actor,
            rulebooks=context.services.rulebooks,
            text=pending.text,
            photos=pending.photos,
            now=now,
            source=pending.source,
            source_is_update=False,
            contract_id=pending.contracts[int(index)],
        )
        if isinstance(result, Recorded) and pending.media_group is not None:
            album = Album(result.entry_id)
            await save_album(session, context, key, pending.media_group, album)
        return result

    done = await transact_chat(update, context, work)
    if done is None or not isinstance(done.value, Recorded):
        return
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(None)
    await _confirm(update, context, done.lang, done.value)


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


@public("an album's photos wait for its captioned report; attaching them checks Action.UNDO")
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
    photo = await download_photo(context.bot, message.photo)
    done = await _album_photo(update, context, group, photo)
    if done is not None and done.value:
        _schedule_album_hint(context, message.chat_id, update, group)


async def _album_photo(
    update: Update, context: FloorContext, group: str, photo: Photo
) -> Done[bool] | None:
    """Attach the photo to the album's report, or keep it waiting; True when it waits."""
    now, key = context.services.clock.now(), ChatKey(_chat_id(update), _user_id(update))
    window = dt.timedelta(minutes=undo_minutes(context))

    async def work(session: AsyncSession, actor: Actor) -> bool:
        album = await load_album(session, key, group, now) or Album()
        if album.entry_id is not None:
            await add_photos(
                session,
                actor=actor,
                entry_id=album.entry_id,
                photos=[photo],
                now=now,
                window=window,
            )
            return False
        album.waiting.append(photo)
        await save_album(session, context, key, group, album)
        return True

    return await transact_chat(update, context, work)


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
    key, group = ChatKey(job.chat_id, job.user_id), str(job.data)
    async with write_session(context.services.sessions) as session:
        await bq.lock_chat(session, key.chat_id)
        album = await load_album(session, key, group, context.services.clock.now())
        if album is None or album.entry_id is not None:
            return
        await save_album(session, context, key, group, None)
    lang = await language_of_user(context, job.user_id)
    await context.bot.send_message(job.chat_id, t(lang, "photo_hint", example=EXAMPLE))


@public("a hint how to report")
async def on_text(update: Update, context: FloorContext) -> None:
    """Plain text outside a report form."""
    actor = await read_actor(update, context)
    await say(update, t(actor.language, "text_hint", example=EXAMPLE))


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
    (no other handler takes a rulebook's command, so the order changes nothing else)."""
    app.add_handler(MessageHandler(ReportCommand(app.bot_data), on_command))


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
    """A button this bot does not know (an old message, or crafted data): just answer it."""
    query = update.callback_query
    assert query is not None
    await query.answer()
