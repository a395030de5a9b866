"""A manager decides a dispute: Uphold, Withdraw or Reduce (``dsp:u:7``, ``dsp:w:7``,
``dsp:r:7``), then the reason — for Reduce the new value or quantity first. The decision and
its reason go to the vendor lead and to the inspector who reported the finding."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.access import Actor
from bot.context import FloorApp, FloorContext
from bot.decisions import Decided, Pending, decidable, decide
from bot.dispute_cases import STATUS_OF, Outcome
from bot.errors import BotError
from bot.i18n import number, t
from bot.messages_vendor import OUTCOME_LABELS
from bot.parsing import row_id
from bot.texts import example_value, render_error
from bot.vendor_texts import cost_short, decision_text
from handlers.common import PRIVATE, say, transact
from handlers.vendor_common import conversation, person_language, send_to, user_language

DECISION = "decision_reason"
END = ConversationHandler.END
# Refusals of what was typed: nothing was written, the manager tries again.
RETRY_KEYS = frozenset(
    {"reduce_usage", "reason_needed", "not_a_reduction", "value_out_of_range", "no_tier"}
    | {"bad_quantity"}
)


@dataclass(frozen=True, slots=True)
class Choice:
    """A manager's decision waiting for its reason."""

    dispute_id: int
    outcome: Outcome


async def on_decision_button(update: Update, context: FloorContext) -> str | int:
    """``dsp:u|w|r:ID``: check the dispute is still open, then ask for the reason."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    letter, _, dispute_text = (query.data or "").removeprefix("dsp:").partition(":")
    dispute_id = row_id(dispute_text)
    if letter not in {o.value for o in Outcome} or dispute_id is None:
        return END
    choice = Choice(dispute_id, Outcome(letter))
    services = context.services

    async def work(session: AsyncSession, actor: Actor) -> Pending:
        return await decidable(
            session,
            actor=actor,
            rulebooks=services.rulebooks,
            dispute_id=choice.dispute_id,
            default_days=services.settings.default_objection_working_days,
        )

    done = await transact(update, context, work)
    if done is None:
        return END
    context.user_state.decision = choice
    await say(update, _prompt(done.lang, choice, done.value))
    return DECISION


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


async def on_decision_reason(update: Update, context: FloorContext) -> str | int | None:
    """The reason (and for Reduce the new value): settle the dispute once and tell both sides."""
    choice = context.user_state.decision
    message = update.effective_message
    if not isinstance(choice, Choice) or message is None or not message.text:
        return END
    services = context.services
    now = services.clock.now()
    text = message.text

    async def work(session: AsyncSession, actor: Actor) -> Decided | BotError:
        try:
            return await decide(
                session,
                actor=actor,
                rulebooks=services.rulebooks,
                dispute_id=choice.dispute_id,
                outcome=choice.outcome,
                text=text,
                now=now,
                default_days=services.settings.default_objection_working_days,
            )
        except BotError as error:
            if error.key in RETRY_KEYS:  # read before anything is written: ask again
                return error
            raise

    done = await transact(update, context, work)
    if done is None:
        context.user_state.decision = None
        return END
    if isinstance(done.value, BotError):
        await say(update, render_error(done.lang, done.value))
        return None
    context.user_state.decision = None
    await _announce(update, context, done.lang, done.value)
    return END


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


async def cancel_decision(update: Update, context: FloorContext) -> int:
    """/cancel: no decision; the dispute stays open."""
    context.user_state.decision = None
    await say(update, t(await user_language(update, context), "decision_cancelled"))
    return END


def register(app: FloorApp) -> None:
    timeout = app.bot_data.services.settings.conversation_timeout_minutes * 60
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    app.add_handler(
        conversation(
            "decide",
            [CallbackQueryHandler(on_decision_button, pattern=r"^dsp:[uwr]:")],
            {DECISION: [MessageHandler(text, on_decision_reason)]},
            cancel_decision,
            timeout,
        )
    )
