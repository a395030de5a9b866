"""The guided report's buttons (callback data ``rep:``): checked against the live card and role.

A press is answered first; then one transaction (holding the chat's lock, claiming the
update) reads the form, applies the button and writes the form back — or, for Confirm,
records the report and ends the form in the same commit. Telegram is told afterwards.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import CallbackQuery, Message, Update

from bot.app.context import FloorContext
from bot.services.errors import BotError
from bot.services.guided_form import Form, Step
from bot.services.permissions import Action, Actor, requires
from bot.services.reporting import Recorded, record
from bot.texts.i18n import t
from bot.texts.reports import render_error
from handlers import report_inputs as inputs
from handlers.common import edit, read_actor, recorded_entry, say
from handlers.conversation import chat_key, load_form, save_form, transact_chat
from handlers.report_views import Shown, book_of, present, render_form
from handlers.undo import confirmation, schedule_undo_expiry
from storage import bot_queries as bq
from storage.state_queries import ChatKey


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a press did, to show once it is committed (nothing, when all fields are empty)."""

    shown: Shown | None = None
    recorded: Recorded | None = None
    card: tuple[int, int] | None = None
    cancelled: bool = False
    refusal: BotError | None = None


@dataclass(frozen=True, slots=True)
class Press:
    """One press inside its transaction: the form, who pressed, the button's fields."""

    session: AsyncSession
    context: FloorContext
    key: ChatKey
    form: Form
    actor: Actor
    args: list[str]


@requires(Action.REPORT, sample="rep:c:0")
async def on_button(update: Update, context: FloorContext) -> None:
    """Every ``rep:`` button: check it belongs to the live card, apply it, show the result."""
    query = update.callback_query
    assert query is not None
    key = chat_key(update)
    if not await _live(context, key, query):
        await stale_button(update, context)
        return
    await query.answer()
    args = (query.data or "").split(":")[1:]
    action = _BUTTONS.get(args[0]) if args else None
    if action is None:
        return
    now = context.services.clock.now()

    async def work(session: AsyncSession, actor: Actor) -> Outcome:
        form = await load_form(session, key, now)
        if form is None or not _on_card(query, form):
            return Outcome()  # the form ended between the check and this transaction
        allowed = actor.contracts_for(Action.REPORT)
        if not allowed or (form.contract is not None and form.contract not in allowed):
            await save_form(session, context, key, None)
            return Outcome(refusal=BotError("forbidden_report", contract=form.contract or ""))
        return await action(Press(session, context, key, form, actor, args))

    done = await transact_chat(update, context, work)
    if done is not None:
        await _show(update, context, done.lang, done.value)


async def _live(context: FloorContext, key: ChatKey, query: CallbackQuery) -> bool:
    async with context.services.sessions() as session:
        form = await load_form(session, key, context.services.clock.now())
    return form is not None and _on_card(query, form)


def _on_card(query: CallbackQuery, form: Form) -> bool:
    return query.message is not None and query.message.message_id == form.card_id


async def _show(update: Update, context: FloorContext, lang: str, outcome: Outcome) -> None:
    query = update.callback_query
    assert query is not None
    if outcome.refusal is not None:
        await say(update, render_error(lang, outcome.refusal))
    elif outcome.shown is not None:
        await present(update, context, outcome.shown, new_card=False)
    elif outcome.recorded is not None and outcome.card is not None:
        recorded_entry(update, context, outcome.recorded.entry_id)
        assert isinstance(query.message, Message)
        text, markup = confirmation(context, lang, outcome.recorded)
        await edit(query.message, text, markup)
        schedule_undo_expiry(context, *outcome.card, outcome.recorded.entry_id)
    elif outcome.cancelled:
        assert isinstance(query.message, Message)
        await edit(query.message, t(lang, "cancelled"))


async def _contract(press: Press) -> Outcome:
    contract = _pick(press.form.contracts, press.args)
    if contract is None:
        return Outcome(refusal=BotError("rep_inactive"))
    if not press.actor.may(Action.REPORT, contract):
        return Outcome(refusal=BotError("forbidden_report", contract=contract))
    press.form.choose_contract(contract)
    return await _keep(press)


def _pick(options: list[str], args: list[str]) -> str | None:
    if len(args) < 2 or not args[1].isdecimal() or int(args[1]) >= len(options):
        return None
    return options[int(args[1])]


async def _apply(press: Press) -> Outcome:
    """Buttons that set one field of the form (section, item, staff, value, quantity, photo)."""
    book = book_of(press.context, press.form)
    if book is None:
        return Outcome()
    inputs.apply_button(press.form, book, press.args)
    return await _keep(press)


async def _keep(press: Press) -> Outcome:
    """Render the form's next step and save the form."""
    shown = await render_form(press.session, press.context, press.form, press.actor)
    await save_form(press.session, press.context, press.key, press.form)
    return Outcome(shown=shown)


async def _confirm(press: Press) -> Outcome:
    """Confirm: record the report once (keyed by this card) and end the form, in one commit."""
    form = press.form
    book = book_of(press.context, form)
    if book is None or form.card_id is None or form.next_step(book) is not Step.CONFIRM:
        return Outcome()
    now = press.context.services.clock.now()
    source = (form.chat_id, form.card_id)
    recorded = await record(
        press.session, actor=press.actor, book=book, draft=form.draft(), now=now, source=source
    )
    await save_form(press.session, press.context, press.key, None)
    return Outcome(recorded=recorded, card=source)


async def _cancel_button(press: Press) -> Outcome:
    await save_form(press.session, press.context, press.key, None)
    return Outcome(cancelled=True)


_BUTTONS: dict[str, Callable[[Press], Awaitable[Outcome]]] = {
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
