"""A vendor lead disputes a finding: ``/dispute ID REASON`` (as text or a photo's caption) or
the ``dsp:o:ID`` button under it; the reason is asked for when none was given, and photos sent
afterwards are added (``dsp:done`` or /cancel ends that). Each manager of the contract gets the
dispute with the original evidence and the decision buttons (handlers.decisions).

The dispute in progress lives in the database (bot.services.dispute_state: DISPUTE_REASON
while the reason is awaited, then DISPUTE_PHOTOS), not in one process's memory: whichever bot
process gets the reason, a photo or Done continues it, and a restart loses nothing. Each step
is one request to the Disputes service (bot.services.disputes), which reads and writes it in
the unit of work that claims the update; a refused step ends it. Left alone for the
conversation timeout it expires, and handlers.state sweeps it away.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.app.context import FloorApp, FloorContext
from bot.services.conversation_state import DISPUTE_PHOTOS, DISPUTE_REASON
from bot.services.outbox import Notice
from bot.services.parsing import row_id
from bot.services.permissions import Action, public, requires
from bot.services.vendor_views import DisputeOpened, PhotosAdded, ReasonAsked
from bot.texts.i18n import t
from bot.texts.vendor import decision_rows, dispute_card, dispute_opened_text
from handlers.common import PRIVATE, asking, download_photo, drop_keyboard, keyboard, say
from handlers.conversation import Open
from handlers.vendor_common import photo_notices

DONE = "dsp:done"
CARD = "dispute"  # the outbox's kind of a dispute's card to a manager
DISPUTE_CAPTION = filters.CaptionRegex(r"^\s*/dispute(?:@\w+)?(?:\s|$)")


# -- starting ---------------------------------------------------------------------------------


@requires(Action.DISPUTE, sample="1 不同意")
async def start_dispute(update: Update, context: FloorContext) -> None:
    """/dispute ID REASON (as text or a photo's caption); without a reason, ask for it."""
    message = update.effective_message
    assert message is not None
    words = (message.text or message.caption or "").split(maxsplit=2)[1:]
    entry_id = row_id(words[0].lstrip("#") if words else "")
    with_photo = message.photo and entry_id is not None  # no download for a usage refusal
    photo = await download_photo(context.bot, message.photo) if with_photo else None
    started = await context.services.disputes.start(
        asking(update, context),
        entry_id=entry_id,
        tell=managers_told,
        reason=words[1] if len(words) > 1 else "",
        photo=photo,
    )
    await _answer(update, context, started)


@requires(Action.DISPUTE, sample="dsp:o:1")
async def on_dispute_button(update: Update, context: FloorContext) -> None:
    """``dsp:o:ID`` under a finding: ask for the reason."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    entry_id = row_id((query.data or "").removeprefix("dsp:o:"))
    if entry_id is not None:
        disputes = context.services.disputes
        asked = await disputes.start(asking(update, context), entry_id=entry_id, tell=managers_told)
        await _answer(update, context, asked)


async def _answer(
    update: Update, context: FloorContext, started: ReasonAsked | DisputeOpened
) -> None:
    if isinstance(started, DisputeOpened):
        await _opened(update, context, started)
        return
    text = t(started.lang, "dispute_ask_reason", entry=started.entry_id, item=started.item)
    await say(update, text)


# -- the reason, then photos --------------------------------------------------------------------


@requires(Action.DISPUTE)
async def on_reason(update: Update, context: FloorContext) -> None:
    """The reason typed after /dispute ID or the Dispute button."""
    message = update.effective_message
    assert message is not None and message.text is not None
    disputes = context.services.disputes
    opened = await disputes.give_reason(
        asking(update, context), reason=message.text, tell=managers_told
    )
    if opened is not None:
        await _opened(update, context, opened)


async def _opened(update: Update, context: FloorContext, opened: DisputeOpened) -> None:
    """Tell every manager (through the outbox), then the vendor lead how many were reached now;
    photos may follow."""
    delivered = await context.services.outbox.send(context.bot, opened.queued)
    reached = len({d.chat_id for d in delivered if d.kind == CARD})
    done = keyboard([[(t(opened.lang, "button_done"), DONE)]])
    await say(update, dispute_opened_text(opened, reached), done)


@requires(Action.DISPUTE)
async def on_photo(update: Update, context: FloorContext) -> None:
    """A photo after the dispute was sent: add it and pass it on to the managers."""
    message = update.effective_message
    assert message is not None and message.photo
    photo = await download_photo(context.bot, message.photo)
    disputes = context.services.disputes
    added = await disputes.add_photo(asking(update, context), photo=photo, tell=photos_told)
    if added is None:
        return
    await context.services.outbox.send(context.bot, added.queued)
    dispute_id = added.dispute_id
    text = t(added.lang, "dispute_photos_added", dispute=dispute_id, count=len(added.photos))
    await say(update, text)


# -- ending -------------------------------------------------------------------------------------


@public("ends the user's own dispute conversation")
async def on_done(update: Update, context: FloorContext) -> None:
    """``dsp:done``: the vendor lead has no more photos."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    ended = await context.services.disputes.finish(asking(update, context))
    if isinstance(query.message, Message):
        await drop_keyboard(context.bot, query.message.chat.id, query.message.message_id)
    await say(update, t(ended.lang, "dispute_done"))


@public("drops the user's own unsent dispute")
async def cancel_dispute(update: Update, context: FloorContext) -> None:
    """/cancel: drop a dispute not yet sent; after it was sent, just stop taking photos."""
    ended = await context.services.disputes.cancel(asking(update, context))
    await say(update, t(ended.lang, "dispute_done" if ended.sent else "cancelled"))


def managers_told(opened: DisputeOpened) -> list[Notice]:
    """Each manager: the dispute with its decision buttons, then the evidence and the vendor
    lead's photos (kept in the outbox with the dispute)."""
    told = []
    dispute_id, entry_id = opened.dispute.id, opened.finding.id
    for manager in opened.managers:
        lang, chat = manager.lang, manager.chat_id
        buttons = tuple(tuple(row) for row in decision_rows(lang, dispute_id))
        told.append(Notice(chat, CARD, dispute_card(lang, opened), buttons))
        told += photo_notices(chat, opened.evidence, lang, "evidence_caption", entry=entry_id)
        caption = "dispute_photo_caption"
        told += photo_notices(chat, opened.photos, lang, caption, dispute=dispute_id)
    return told


def photos_told(added: PhotosAdded) -> list[Notice]:
    """The photos added to a dispute, passed on to each manager."""
    told = []
    for manager in added.managers:
        chat, lang = manager.chat_id, manager.lang
        caption = "dispute_photo_caption"
        told += photo_notices(chat, added.photos, lang, caption, dispute=added.dispute_id)
    return told


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
