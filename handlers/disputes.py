"""A vendor lead disputes a finding: ``/dispute ID REASON`` (as text or a photo's caption) or
the ``dsp:o:ID`` button under it; the reason is asked for when none was given, and photos sent
afterwards are added (``dsp:done`` or /cancel ends that). Each manager of the contract gets the
dispute with the original evidence and the decision buttons (handlers.decisions).

The dispute in progress lives in the database (handlers.conversation: DISPUTE_REASON while the
reason is awaited, then DISPUTE_PHOTOS), not in one process's memory: whichever bot process
gets the reason, a photo or Done continues it, and a restart loses nothing. Each step reads
and writes it in the transaction that claims the update; a refused step ends it. Left alone
for the conversation timeout it expires, and handlers.state sweeps it away.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.app.context import FloorApp, FloorContext
from bot.services.conversation_state import DISPUTE_PHOTOS, DISPUTE_REASON
from bot.services.disputes import Draft, Opened, add_photos, decode_draft, disputable, encode_draft
from bot.services.disputes import open_dispute as record_dispute
from bot.services.findings import Case
from bot.services.parsing import row_id
from bot.services.permissions import Action, Actor, public, requires
from bot.texts.i18n import t
from bot.texts.vendor import decision_rows, dispute_card
from handlers.common import PRIVATE, download_photo, drop_keyboard, keyboard, say
from handlers.conversation import Open, chat_key, load_slot, save_slot, transact_chat
from handlers.vendor_common import (
    ending_on_refusal,
    person_language,
    send_photos,
    send_to,
    user_language,
)
from storage.models import Person
from storage.state_queries import ChatKey

DONE = "dsp:done"
DISPUTE_CAPTION = filters.CaptionRegex(r"^\s*/dispute(?:@\w+)?(?:\s|$)")
KINDS = (DISPUTE_REASON, DISPUTE_PHOTOS)


def _window(context: FloorContext) -> int:
    return context.services.settings.default_objection_working_days


async def _stored(
    session: AsyncSession, context: FloorContext, key: ChatKey, kind: str
) -> Draft | None:
    data = await load_slot(session, key, kind, context.services.clock.now())
    return None if data is None else decode_draft(data)


async def _keep(
    session: AsyncSession, context: FloorContext, key: ChatKey, draft: Draft | None
) -> None:
    """Store the draft under the step it is at (the other step's row goes); None: end it."""
    for kind in KINDS:
        data = encode_draft(draft) if draft is not None and kind == draft.kind else None
        await save_slot(session, context, key, kind, data)


# -- starting ---------------------------------------------------------------------------------


@requires(Action.DISPUTE, sample="1 不同意")
async def start_dispute(update: Update, context: FloorContext) -> None:
    """/dispute ID REASON (as text or a photo's caption); without a reason, ask for it."""
    message = update.effective_message
    assert message is not None
    words = (message.text or message.caption or "").split(maxsplit=2)[1:]
    entry_id = row_id(words[0].lstrip("#") if words else "")
    if entry_id is None:
        await say(update, t(await user_language(update, context), "dispute_usage"))
        return
    draft = Draft(entry_id)
    if message.photo:
        draft.photos.append(await download_photo(context.bot, message.photo))
    reason = words[1] if len(words) > 1 else ""
    if reason.strip():
        await _record(update, context, reason, draft)
    else:
        await _ask_reason(update, context, draft)


@requires(Action.DISPUTE, sample="dsp:o:1")
async def on_dispute_button(update: Update, context: FloorContext) -> None:
    """``dsp:o:ID`` under a finding: ask for the reason."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    entry_id = row_id((query.data or "").removeprefix("dsp:o:"))
    if entry_id is not None:
        await _ask_reason(update, context, Draft(entry_id))


async def _ask_reason(update: Update, context: FloorContext, draft: Draft) -> None:
    services, key = context.services, chat_key(update)

    async def work(session: AsyncSession, actor: Actor) -> Case:
        async def check() -> Case:
            return await disputable(
                session,
                actor=actor,
                rulebooks=services.rulebooks,
                entry_id=draft.entry_id,
                now=services.clock.now(),
                default_days=_window(context),
            )

        case = await ending_on_refusal(session, context, key, KINDS, check)
        await _keep(session, context, key, draft)
        return case

    done = await transact_chat(update, context, work)
    if done is not None:
        item = done.value.item
        await say(update, t(done.lang, "dispute_ask_reason", entry=draft.entry_id, item=item))


# -- the reason, then photos --------------------------------------------------------------------


@requires(Action.DISPUTE)
async def on_reason(update: Update, context: FloorContext) -> None:
    """The reason typed after /dispute ID or the Dispute button."""
    message = update.effective_message
    assert message is not None and message.text is not None
    await _record(update, context, message.text, None)


async def _record(update: Update, context: FloorContext, reason: str, given: Draft | None) -> None:
    """Record the dispute (``given``, or the stored one), tell every manager, take photos."""
    services, key = context.services, chat_key(update)

    async def work(session: AsyncSession, actor: Actor) -> Opened | None:
        draft = given if given is not None else await _stored(session, context, key, DISPUTE_REASON)
        if draft is None:
            return None  # it ended meanwhile (/cancel or the timeout)

        async def send() -> Opened:
            return await record_dispute(
                session,
                actor=actor,
                rulebooks=services.rulebooks,
                entry_id=draft.entry_id,
                reason=reason,
                photos=draft.photos,
                now=services.clock.now(),
                default_days=_window(context),
            )

        opened = await ending_on_refusal(session, context, key, KINDS, send)
        await _keep(session, context, key, Draft(draft.entry_id, opened.dispute.id))
        return opened

    done = await transact_chat(update, context, work)
    if done is None or done.value is None:
        return
    opened = done.value
    reached = await _tell_managers(context, opened)
    text = t(
        done.lang,
        "dispute_opened",
        dispute=opened.dispute.id,
        entry=opened.case.view.id,
        item=opened.case.item,
        count=reached,
    )
    if not reached:
        text += "\n" + t(done.lang, "dispute_no_manager")
    await say(update, text, keyboard([[(t(done.lang, "button_done"), DONE)]]))


@requires(Action.DISPUTE)
async def on_photo(update: Update, context: FloorContext) -> None:
    """A photo after the dispute was sent: add it and pass it on to the managers."""
    message = update.effective_message
    assert message is not None and message.photo
    photo = await download_photo(context.bot, message.photo)
    key, now = chat_key(update), context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> tuple[int, tuple[Person, ...]] | None:
        draft = await _stored(session, context, key, DISPUTE_PHOTOS)
        if draft is None or draft.dispute_id is None:
            return None
        _, managers = await add_photos(
            session, actor=actor, dispute_id=draft.dispute_id, photos=[photo], now=now
        )
        await _keep(session, context, key, draft)  # for another conversation timeout
        return draft.dispute_id, managers

    done = await transact_chat(update, context, work)
    if done is None or done.value is None:
        return
    dispute_id, managers = done.value
    for manager in managers:
        lang = person_language(context, manager)
        chat = manager.telegram_user_id
        caption = "dispute_photo_caption"
        await send_photos(context.bot, chat, [photo.file_id], lang, caption, dispute=dispute_id)
    await say(update, t(done.lang, "dispute_photos_added", dispute=dispute_id, count=1))


# -- ending -------------------------------------------------------------------------------------


@public("ends the user's own dispute conversation")
async def on_done(update: Update, context: FloorContext) -> None:
    """``dsp:done``: the vendor lead has no more photos."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    key = chat_key(update)

    async def work(session: AsyncSession, actor: Actor) -> None:
        await _keep(session, context, key, None)

    done = await transact_chat(update, context, work)
    if done is None:
        return
    if isinstance(query.message, Message):
        await drop_keyboard(context.bot, query.message.chat.id, query.message.message_id)
    await say(update, t(done.lang, "dispute_done"))


@public("drops the user's own unsent dispute")
async def cancel_dispute(update: Update, context: FloorContext) -> None:
    """/cancel: drop a dispute not yet sent; after it was sent, just stop taking photos."""
    key = chat_key(update)

    async def work(session: AsyncSession, actor: Actor) -> bool:
        sent = await _stored(session, context, key, DISPUTE_PHOTOS) is not None
        await _keep(session, context, key, None)
        return sent

    done = await transact_chat(update, context, work)
    if done is not None:
        await say(update, t(done.lang, "dispute_done" if done.value else "cancelled"))


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
    """Before the guided report: while a dispute is open, its /cancel and typed text win."""
    reason_open = Open(app.bot_data, DISPUTE_REASON)
    photos_open = Open(app.bot_data, DISPUTE_PHOTOS)
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    photo = PRIVATE & filters.PHOTO & ~filters.CaptionRegex(r"^\s*/")
    app.add_handler(CommandHandler("dispute", start_dispute, filters=PRIVATE))
    app.add_handler(MessageHandler(PRIVATE & filters.PHOTO & DISPUTE_CAPTION, start_dispute))
    app.add_handler(CallbackQueryHandler(on_dispute_button, pattern=r"^dsp:o:"))
    app.add_handler(MessageHandler(text & reason_open, on_reason))
    app.add_handler(MessageHandler(photo & photos_open, on_photo))
    app.add_handler(CallbackQueryHandler(on_done, pattern=rf"^{DONE}$"))
    opened = PRIVATE & (reason_open | photos_open)
    app.add_handler(CommandHandler("cancel", cancel_dispute, filters=opened))
