"""A manager decides a dispute: Uphold, Withdraw or Reduce (``dsp:u:7``, ``dsp:w:7``,
``dsp:r:7``), then the reason — for Reduce the new value or quantity first. The decision and
its reason go to the vendor lead and to the inspector who reported the finding.

The decision waiting for its reason lives in the database (bot.services.dispute_state,
DECISION), so any bot process takes the reason and a restart loses nothing. A reason the bot
cannot use (no number for Reduce, no reason ...) is refused and asked for again; any other
refusal (decided by another manager meanwhile) ends the decision (bot.services.disputes). It
expires after the conversation timeout.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.app.context import FloorApp, FloorContext
from bot.services.conversation_state import DECISION
from bot.services.findings import Outcome
from bot.services.outbox import Notice
from bot.services.parsing import row_id
from bot.services.permissions import Action, public, requires
from bot.services.vendor_views import DecisionMade
from bot.texts.i18n import t
from bot.texts.vendor import decision_prompt, decision_text
from handlers.common import PRIVATE, asking, say
from handlers.conversation import Open

OUTCOMES = frozenset(o.value for o in Outcome)


@requires(Action.DECIDE, sample="dsp:u:1")
async def on_decision_button(update: Update, context: FloorContext) -> None:
    """``dsp:u|w|r:ID``: check the dispute is still open, then ask for the reason."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    letter, _, dispute_text = (query.data or "").removeprefix("dsp:").partition(":")
    dispute_id = row_id(dispute_text)
    if letter not in OUTCOMES or dispute_id is None:
        return
    asked = await context.services.disputes.choose(
        asking(update, context), dispute_id=dispute_id, outcome=Outcome(letter)
    )
    await say(update, decision_prompt(asked))


@requires(Action.DECIDE)
async def on_decision_reason(update: Update, context: FloorContext) -> None:
    """The reason (and for Reduce the new value): settle the dispute once and tell both sides:
    the vendor lead and the reporting inspector first, then the manager's confirmation."""
    message = update.effective_message
    assert message is not None and message.text is not None
    disputes = context.services.disputes
    decided = await disputes.decide(asking(update, context), text=message.text, tell=both_sides)
    if decided is None:
        return
    await context.services.outbox.send(context.bot, decided.queued)
    await say(update, decision_text(decided.lang, "decided_manager", decided))


def both_sides(decided: DecisionMade) -> list[Notice]:
    """The decision for the vendor lead and the reporting inspector (kept in the outbox)."""
    told = ((decided.vendor_lead, "decided_vendor"), (decided.inspector, "decided_inspector"))
    return [
        Notice(person.chat_id, "decision", decision_text(person.lang, key, decided))
        for person, key in told
        if person is not None
    ]


@public("drops the user's own pending decision")
async def cancel_decision(update: Update, context: FloorContext) -> None:
    """/cancel: no decision; the dispute stays open."""
    ended = await context.services.disputes.cancel_decision(asking(update, context))
    await say(update, t(ended.lang, "decision_cancelled"))


def register(app: FloorApp) -> None:
    """After the disputes (their /cancel wins), before the guided report."""
    decision_open = Open(app.bot_data, DECISION)
    text = PRIVATE & filters.TEXT & ~filters.COMMAND
    app.add_handler(CallbackQueryHandler(on_decision_button, pattern=r"^dsp:[uwr]:"))
    app.add_handler(MessageHandler(text & decision_open, on_decision_reason))
    app.add_handler(CommandHandler("cancel", cancel_decision, filters=PRIVATE & decision_open))
