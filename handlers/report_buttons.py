"""The guided report's buttons (callback data ``rep:``): checked against the live card and role."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import CallbackQuery, Message, Update
from telegram.ext import ConversationHandler

from bot.access import Action, Actor
from bot.context import FloorContext
from bot.errors import BotError
from bot.guided import Form, Step
from bot.i18n import t
from bot.reporting import Recorded, record
from bot.texts import render_error
from handlers import report_inputs as inputs
from handlers.common import edit, read_actor, recorded_entry, say, transact
from handlers.report_views import book_of, form_of, show
from handlers.undo import confirmation, schedule_undo_expiry
from storage import bot_queries as bq


async def _pressed(update: Update, context: FloorContext) -> tuple[Form, CallbackQuery, Actor]:
    """Answer the button, then make sure it belongs to this user's live form and role."""
    query = update.callback_query
    assert query is not None
    form = form_of(context)
    message = query.message
    if form is None or message is None or message.message_id != form.card_id:
        await stale_button(update, context)
        raise _Stale
    await query.answer()
    actor = await read_actor(update, context)
    allowed = actor.contracts_for(Action.REPORT)
    if not allowed or (form.contract is not None and form.contract not in allowed):
        contract = form.contract or ""
        raise BotError("forbidden_report", contract=contract)
    return form, query, actor


class _Stale(Exception):
    """A button under a card that is no longer the user's live form."""


async def on_button(update: Update, context: FloorContext) -> Step | int | None:
    """Every ``rep:`` button: check it, apply it to the form, show the next step."""
    try:
        form, query, actor = await _pressed(update, context)
    except _Stale:
        return None
    except BotError as error:
        await say(update, render_error((await read_actor(update, context)).language, error))
        context.user_state.draft = None
        return ConversationHandler.END
    parts = (query.data or "").split(":")[1:]
    action = _BUTTONS.get(parts[0]) if parts else None
    if action is None:
        return None
    return await action(update, context, form, actor, parts)


async def _contract(
    update: Update, context: FloorContext, form: Form, actor: Actor, args: list[str]
) -> Step | int | None:
    contract = _pick(form.contracts, args)
    if contract is None:
        await say(update, t(actor.language, "rep_inactive"))
        return None
    if not actor.may(Action.REPORT, contract):
        refusal = BotError("forbidden_report", contract=contract)
        await say(update, render_error(actor.language, refusal))
        return None
    form.choose_contract(contract)
    return await show(update, context, form, actor, new_card=False)


def _pick(options: list[str], args: list[str]) -> str | None:
    if len(args) < 2 or not args[1].isdigit() or int(args[1]) >= len(options):
        return None
    return options[int(args[1])]


async def _apply(
    update: Update, context: FloorContext, form: Form, actor: Actor, args: list[str]
) -> Step | int | None:
    """Buttons that set one field of the form (section, item, staff, value, quantity, photo)."""
    book = book_of(context, form)
    if book is None:
        return None
    try:
        inputs.apply_button(form, book, args)
    except BotError as error:
        await say(update, render_error(actor.language, error))
        return None
    return await show(update, context, form, actor, new_card=False)


async def _confirm(
    update: Update, context: FloorContext, form: Form, actor: Actor, args: list[str]
) -> Step | int | None:
    """Confirm: record the report once (keyed by this card), then show it with Undo."""
    book = book_of(context, form)
    if book is None or form.card_id is None or form.next_step(book) is not Step.CONFIRM:
        return None
    now = context.services.clock.now()
    source = (form.chat_id, form.card_id)

    async def work(session: AsyncSession, current: Actor) -> Recorded:
        return await record(
            session,
            actor=current,
            book=book,
            draft=form.draft(),
            now=now,
            source=source,
        )

    done = await transact(update, context, work)
    if done is None:
        return None
    recorded_entry(update, context, done.value.entry_id)
    context.user_state.draft = None
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    text, markup = confirmation(context, done.lang, done.value)
    await edit(query.message, text, markup)
    schedule_undo_expiry(context, form.chat_id, form.card_id, done.value.entry_id)
    return ConversationHandler.END


async def _cancel_button(
    update: Update, context: FloorContext, form: Form, actor: Actor, args: list[str]
) -> int:
    context.user_state.draft = None
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    await edit(query.message, t(actor.language, "cancelled"))
    return ConversationHandler.END


_BUTTONS = {
    "c": _contract,
    "s": _apply,
    "i": _apply,
    "back": _apply,
    "st": _apply,
    "v": _apply,
    "q": _apply,
    "ph": _apply,
    "edit": _apply,
    "e": _apply,
    "ok": _confirm,
    "x": _cancel_button,
}


async def stale_button(update: Update, context: FloorContext) -> None:
    """A ``rep:`` button outside a live form: say the report is recorded, or the form is gone."""
    query = update.callback_query
    assert query is not None
    actor = await read_actor(update, context)
    entry = None
    if isinstance(query.message, Message):
        async with context.services.sessions() as session:
            entry = await bq.entry_from_message(
                session, chat_id=query.message.chat_id, message_id=query.message.message_id
            )
    if entry is not None:
        await query.answer(t(actor.language, "already_recorded", id=entry.id), show_alert=True)
        return
    await query.answer(t(actor.language, "rep_inactive"), show_alert=True)
