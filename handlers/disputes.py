"""A vendor lead disputes a finding: ``/dispute ID REASON`` (as text or a photo's caption) or
the ``dsp:o:ID`` button under it; the reason is asked for when none was given, and photos sent
afterwards are added (``dsp:done`` or /cancel ends that). Each manager of the contract gets the
dispute with the original evidence and the decision buttons (handlers.decisions).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.access import Actor
from bot.context import FloorApp, FloorContext
from bot.dispute_cases import Case
from bot.disputes import Opened, add_photos, disputable
from bot.disputes import open_dispute as record_dispute
from bot.i18n import t
from bot.parsing import row_id
from bot.reports import Photo
from bot.vendor_texts import decision_rows, dispute_card
from handlers.common import PRIVATE, download_photo, drop_keyboard, keyboard, say, transact
from handlers.vendor_common import (
    conversation,
    person_language,
    send_photos,
    send_to,
    user_language,
)
from storage.models import Person

REASON = "dispute_reason"
PHOTOS = "dispute_photos"
DONE = "dsp:done"
DISPUTE_CAPTION = filters.CaptionRegex(r"^\s*/dispute(?:@\w+)?(?:\s|$)")


@dataclass
class Draft:
    """The vendor lead's dispute in progress: the finding, then the dispute once recorded."""

    entry_id: int
    dispute_id: int | None = None
    photos: list[Photo] = field(default_factory=list)


async def start_dispute(update: Update, context: FloorContext) -> str | int:
    """/dispute ID REASON (as text or a photo's caption); without a reason, ask for it."""
    message = update.effective_message
    assert message is not None
    words = (message.text or message.caption or "").split(maxsplit=2)[1:]
    entry_text = words[0].lstrip("#") if words else ""
    entry_id = row_id(entry_text)
    if entry_id is None:
        await say(update, t(await user_language(update, context), "dispute_usage"))
        return ConversationHandler.END
    draft = Draft(entry_id)
    if message.photo:
        draft.photos.append(await download_photo(context.bot, message.photo))
    reason = words[1] if len(words) > 1 else ""
    if reason.strip():
        return await _record(update, context, draft, reason)
    return await _ask_reason(update, context, draft)


async def on_dispute_button(update: Update, context: FloorContext) -> str | int:
    """``dsp:o:ID`` under a finding: ask for the reason."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    entry_text = (query.data or "").removeprefix("dsp:o:")
    entry_id = row_id(entry_text)
    if entry_id is None:
        return ConversationHandler.END
    return await _ask_reason(update, context, Draft(entry_id))


async def _ask_reason(update: Update, context: FloorContext, draft: Draft) -> str | int:
    services = context.services
    now = services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> Case:
        return await disputable(
            session,
            actor=actor,
            rulebooks=services.rulebooks,
            entry_id=draft.entry_id,
            now=now,
            default_days=services.settings.default_objection_working_days,
        )

    done = await transact(update, context, work)
    if done is None:
        return ConversationHandler.END
    context.user_state.dispute = draft
    await say(
        update, t(done.lang, "dispute_ask_reason", entry=draft.entry_id, item=done.value.item)
    )
    return REASON


async def on_reason(update: Update, context: FloorContext) -> str | int | None:
    """The reason typed after /dispute ID or the Dispute button."""
    draft = context.user_state.dispute
    message = update.effective_message
    if not isinstance(draft, Draft) or message is None or not message.text:
        return ConversationHandler.END
    return await _record(update, context, draft, message.text)


async def _record(update: Update, context: FloorContext, draft: Draft, reason: str) -> str | int:
    """Record the dispute, tell every manager, and wait for more photos."""
    services = context.services
    now = services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> Opened:
        return await record_dispute(
            session,
            actor=actor,
            rulebooks=services.rulebooks,
            entry_id=draft.entry_id,
            reason=reason,
            photos=draft.photos,
            now=now,
            default_days=services.settings.default_objection_working_days,
        )

    done = await transact(update, context, work)
    if done is None:
        context.user_state.dispute = None
        return ConversationHandler.END
    opened = done.value
    reached = await _tell_managers(context, opened)
    draft.dispute_id = opened.dispute.id
    context.user_state.dispute = draft
    text = t(
        done.lang,
        "dispute_opened",
        dispute=opened.dispute.id,
        entry=draft.entry_id,
        item=opened.case.item,
        count=reached,
    )
    if not reached:
        text += "\n" + t(done.lang, "dispute_no_manager")
    await say(update, text, keyboard([[(t(done.lang, "button_done"), DONE)]]))
    return PHOTOS


async def on_photo(update: Update, context: FloorContext) -> str | int | None:
    """A photo after the dispute was sent: add it and pass it on to the managers."""
    draft = context.user_state.dispute
    message = update.effective_message
    if not isinstance(draft, Draft) or draft.dispute_id is None or message is None:
        return ConversationHandler.END
    photo = await download_photo(context.bot, message.photo)
    services = context.services
    now = services.clock.now()
    dispute_id = draft.dispute_id

    async def work(session: AsyncSession, actor: Actor) -> tuple[Person, ...]:
        _, managers = await add_photos(
            session, actor=actor, dispute_id=dispute_id, photos=[photo], now=now
        )
        return managers

    done = await transact(update, context, work)
    if done is None:
        return None
    for manager in done.value:
        lang = person_language(context, manager)
        chat = manager.telegram_user_id
        caption = "dispute_photo_caption"
        await send_photos(context.bot, chat, [photo.file_id], lang, caption, dispute=dispute_id)
    await say(update, t(done.lang, "dispute_photos_added", dispute=dispute_id, count=1))
    return None


async def on_done(update: Update, context: FloorContext) -> int:
    """``dsp:done``: the vendor lead has no more photos."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    context.user_state.dispute = None
    if isinstance(query.message, Message):
        await drop_keyboard(context.bot, query.message.chat.id, query.message.message_id)
    await say(update, t(await user_language(update, context), "dispute_done"))
    return ConversationHandler.END


async def cancel_dispute(update: Update, context: FloorContext) -> int:
    """/cancel: drop a dispute not yet sent; after it was sent, just stop taking photos."""
    draft = context.user_state.dispute
    context.user_state.dispute = None
    sent = isinstance(draft, Draft) and draft.dispute_id is not None
    await say(
        update, t(await user_language(update, context), "dispute_done" if sent else "cancelled")
    )
    return ConversationHandler.END


async def _tell_managers(context: FloorContext, opened: Opened) -> int:
    """Each manager gets the dispute with its buttons, then the evidence; returns how many."""
    reached = 0
    dispute_id = opened.dispute.id
    assert dispute_id is not None
    entry_id = opened.case.view.id
    for manager in opened.managers:
        lang = person_language(context, manager)
        card = dispute_card(lang, opened)
        if not await send_to(context, manager, card, keyboard(decision_rows(lang, dispute_id))):
            continue
        reached += 1
        chat = manager.telegram_user_id
        await send_photos(
            context.bot, chat, opened.evidence, lang, "evidence_caption", entry=entry_id
        )
        photos = [p.file_id for p in opened.photos]
        caption = "dispute_photo_caption"
        await send_photos(context.bot, chat, photos, lang, caption, dispute=dispute_id)
    return reached


def register(app: FloorApp) -> None:
    timeout = app.bot_data.services.settings.conversation_timeout_minutes * 60
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    photo = PRIVATE & filters.PHOTO & ~filters.CaptionRegex(r"^\s*/")
    app.add_handler(
        conversation(
            "dispute",
            [
                CommandHandler("dispute", start_dispute, filters=PRIVATE),
                MessageHandler(PRIVATE & filters.PHOTO & DISPUTE_CAPTION, start_dispute),
                CallbackQueryHandler(on_dispute_button, pattern=r"^dsp:o:"),
            ],
            {
                REASON: [MessageHandler(text, on_reason)],
                PHOTOS: [
                    MessageHandler(photo, on_photo),
                    CallbackQueryHandler(on_done, pattern=rf"^{DONE}$"),
                ],
            },
            cancel_dispute,
            timeout,
        )
    )
    app.add_handler(CallbackQueryHandler(on_done, pattern=rf"^{DONE}$"))
