"""``/subscribe`` and ``/unsubscribe [CONTRACT] [daily|period|both]``; toggle buttons ``sub:``.

Without arguments the bot shows the choices as buttons; without a contract the change applies
to all of the person's contracts (bot.services.digests.subscriptions: who gets what).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.digests.subscriptions import DAILY, PERIOD, Choice
from bot.services.permissions import Action, requires
from bot.texts.digests import subscription_buttons, subscriptions_changed, subscriptions_text
from handlers.common import PRIVATE, asking, edit, keyboard, say

# The digest a switch sets (``sub:<position>:<d|p>:<1|0>``), and to what.
DAILY_FLAG = "d"
PERIOD_FLAG = "p"
FLAGS = {DAILY_FLAG: DAILY, PERIOD_FLAG: PERIOD}
VALUES = {"1": True, "0": False}


def panel(lang: str, choices: Sequence[Choice]) -> tuple[str, InlineKeyboardMarkup]:
    """The person's digests, with a button to switch each."""
    rows = []
    for index, choice in enumerate(choices):
        daily, period = subscription_buttons(lang, choice)
        rows.append([(daily, f"sub:{index}:{DAILY_FLAG}:{int(not choice.daily)}")])
        rows.append([(period, f"sub:{index}:{PERIOD_FLAG}:{int(not choice.period)}")])
    return subscriptions_text(lang, choices), keyboard(rows)


@requires(Action.DIGEST)
async def subscribe_command(update: Update, context: FloorContext) -> None:
    """/subscribe [CONTRACT] [daily|period|both] (no arguments: the buttons)."""
    await _change(update, context, on=True)


@requires(Action.DIGEST)
async def unsubscribe_command(update: Update, context: FloorContext) -> None:
    """/unsubscribe [CONTRACT] [daily|period|both]."""
    await _change(update, context, on=False)


async def _change(update: Update, context: FloorContext, *, on: bool) -> None:
    found = await context.services.digests.subscribe(
        asking(update, context), on=on, args=context.args or []
    )
    if found.changed:
        await say(update, subscriptions_changed(found.lang, found.choices))
    else:
        await say(update, *panel(found.lang, found.choices))


@requires(Action.DIGEST, sample="sub:0:d:0")
async def on_toggle(update: Update, context: FloorContext) -> None:
    """A switch under the panel: ``sub:<position>:<d|p>:<1|0>`` on one of one's contracts."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _, index, flag, value = ((query.data or "") + ":::").split(":")[:4]
    found = await context.services.digests.switch(
        asking(update, context),
        position=int(index) if index.isdecimal() else None,
        kind=FLAGS.get(flag),
        on=VALUES.get(value),
    )
    if isinstance(query.message, Message):
        await edit(query.message, *panel(found.lang, found.choices))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("subscribe", subscribe_command, filters=PRIVATE))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe_command, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_toggle, pattern=r"^sub:"))
