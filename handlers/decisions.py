"""A manager decides a dispute: Uphold, Withdraw or Reduce (``dsp:u:7``, ``dsp:w:7``,
``dsp:r:7``), then the reason — for Reduce the new value or quantity first. The decision and
its reason go to the vendor lead and to the inspector who reported the finding.

The decision waiting for its reason lives in the database (handlers.conversation, DECISION),
so any bot process takes the reason and a restart loses nothing. A reason the bot cannot use
(no number for Reduce, no reason ...) is asked for again; any other refusal (decided by
another manager meanwhile) ends the decision. It expires after the conversation timeout.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.app.context import FloorApp, FloorContext
from bot.services.conversation_state import DECISION
from bot.services.decisions import (
    Choice,
    Decided,
    Pending,
    decidable,
    decide,
    decode_choice,
    encode_choice,
)
from bot.services.errors import BotError
from bot.services.findings import STATUS_OF, Outcome
from bot.services.parsing import row_id
from bot.services.permissions import Action, Actor, public, requires
from bot.texts.i18n import number, t
from bot.texts.messages_vendor import OUTCOME_LABELS
from bot.texts.reports import example_value, render_error
from bot.texts.vendor import cost_short, decision_text
from handlers.common import PRIVATE, say
from handlers.conversation import Open, chat_key, load_slot, save_slot, transact_chat
from handlers.vendor_common import ending_on_refusal, person_language, send_to
from storage.state_queries import ChatKey

KINDS = (DECISION,)
# Refusals of what was typed: nothing was written, the manager tries again.
RETRY_KEYS = frozenset(
    {"reduce_usage", "reason_needed", "not_a_reduction", "value_out_of_range", "no_tier"}
    | {"bad_quantity"}
)


def _window(context: FloorContext) -> int:
    return context.services.settings.default_objection_working_days


async def _keep(
    session: AsyncSession, context: FloorContext, key: ChatKey, choice: Choice | None
) -> None:
    """Store the choice (for another conversation timeout), or drop it when None."""
    data = None if choice is None else encode_choice(choice)
    await save_slot(session, context, key, DECISION, data)


@requires(Action.DECIDE, sample="dsp:u:1")
async def on_decision_button(update: Update, context: FloorContext) -> None:
    """``dsp:u|w|r:ID``: check the dispute is still open, then ask for the reason."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    letter, _, dispute_text = (query.data or "").removeprefix("dsp:").partition(":")
    dispute_id = row_id(dispute_text)
    if letter not in {o.value for o in Outcome} or dispute_id is None:
        return
    choice = Choice(dispute_id, Outcome(letter))
    services, key = context.services, chat_key(update)

    async def work(session: AsyncSession, actor: Actor) -> Pending:
        async def check() -> Pending:
            return await decidable(
                session,
                actor=actor,
                rulebooks=services.rulebooks,
                dispute_id=choice.dispute_id,
                default_days=_window(context),
            )

        pending = await ending_on_refusal(session, context, key, KINDS, check)
        await _keep(session, context, key, choice)
        return pending

    done = await transact_chat(update, context, work)
    if done is not None:
        await say(update, _prompt(done.lang, choice, done.value))


def _prompt(lang: str, choice: Choice, pending: Pending) -> str:
    """Ask for the reason; for a reduction, for the new value or quantity first."""
    case = pending.case
    if choice.outcome is not Outcome.REDUCE:
        outcome = OUTCOME_LABELS[STATUS_OF[choice.outcome]]
        return t(lang, "decide_ask_reason", dispute=choice.dispute_id, outcome=outcome)
    item = case.item
    what = item.value.label.get(lang) if item.value is not None else t(lang, "reduce_what_quantity")
    current = cost_short(lang, case.cost())
    if item.value is not None and case.view.value is not None:
        current = f"{item.value.label.get(lang)} {case.view.value} → {current}"
    example = number(example_value(item)) if item.value is not None else "1"
    return t(
        lang, "reduce_ask", dispute=choice.dispute_id, current=current, what=what, example=example
    )


@requires(Action.DECIDE)
async def on_decision_reason(update: Update, context: FloorContext) -> None:
    """The reason (and for Reduce the new value): settle the dispute once and tell both sides."""
    message = update.effective_message
    assert message is not None and message.text is not None
    services, key, text = context.services, chat_key(update), message.text

    async def work(session: AsyncSession, actor: Actor) -> Decided | BotError | None:
        data = await load_slot(session, key, DECISION, services.clock.now())
        choice = None if data is None else decode_choice(data)
        if choice is None:
            return None  # it ended meanwhile (/cancel or the timeout)

        async def settle() -> Decided | BotError:
            try:
                return await decide(
                    session,
                    actor=actor,
                    rulebooks=services.rulebooks,
                    dispute_id=choice.dispute_id,
                    outcome=choice.outcome,
                    text=text,
                    now=services.clock.now(),
                    default_days=_window(context),
                )
            except BotError as error:
                if error.key in RETRY_KEYS:  # read before anything is written: ask again
                    return error
                raise

        result = await ending_on_refusal(session, context, key, KINDS, settle)
        await _keep(session, context, key, choice if isinstance(result, BotError) else None)
        return result

    done = await transact_chat(update, context, work)
    if done is None or done.value is None:
        return
    if isinstance(done.value, BotError):
        await say(update, render_error(done.lang, done.value))
        return
    await _announce(update, context, done.lang, done.value)


async def _announce(update: Update, context: FloorContext, lang: str, decided: Decided) -> None:
    """The vendor lead and the reporting inspector first, then the manager's confirmation."""
    told: set[int] = set()
    recipients = ((decided.vendor_lead, "decided_vendor"), (decided.inspector, "decided_inspector"))
    for person, key in recipients:
        if person is None or person.id in told:
            continue
        told.add(person.id or 0)
        await send_to(
            context, person, decision_text(person_language(context, person), key, decided)
        )
    await say(update, decision_text(lang, "decided_manager", decided))


@public("drops the user's own pending decision")
async def cancel_decision(update: Update, context: FloorContext) -> None:
    """/cancel: no decision; the dispute stays open."""
    key = chat_key(update)

    async def work(session: AsyncSession, actor: Actor) -> None:
        await _keep(session, context, key, None)

    done = await transact_chat(update, context, work)
    if done is not None:
        await say(update, t(done.lang, "decision_cancelled"))


def register(app: FloorApp) -> None:
    """After the disputes (their /cancel wins), before the guided report."""
    decision_open = Open(app.bot_data, DECISION)
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    app.add_handler(CallbackQueryHandler(on_decision_button, pattern=r"^dsp:[uwr]:"))
    app.add_handler(MessageHandler(text & decision_open, on_decision_reason))
    app.add_handler(CommandHandler("cancel", cancel_decision, filters=PRIVATE & decision_open))
