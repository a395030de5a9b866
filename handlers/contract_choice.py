"""Which contract a vendor-side command is about, as the update names it, and the buttons to
choose one.

``/score``, ``/deductions`` and ``/history`` take ``[CONTRACT] [PERIOD]``. A user with several
contracts who names none gets one ``PREFIX:REF[:PERIOD]`` button per contract; the tap answers
for that one. Which contract that is, and whether the user may see it, the service decides
(bot.services.scores).
"""

from __future__ import annotations

from telegram import Update

from bot.app.context import FloorContext
from bot.services.scores import Asked
from bot.services.vendor_views import Choosing
from bot.texts.i18n import t
from bot.texts.vendor import choice_rows
from handlers.common import keyboard, say


def from_args(context: FloorContext) -> Asked:
    """What the command's arguments name."""
    return Asked(args=tuple(context.args or ()))


async def from_button(update: Update, prefix: str) -> Asked:
    """Answer the tapped ``PREFIX:REF[:PERIOD]`` button; what it names."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    ref, _, period = (query.data or "").removeprefix(f"{prefix}:").partition(":")
    return Asked(ref=ref, period=period or None)


async def offer(update: Update, choosing: Choosing, prefix: str) -> None:
    """One ``PREFIX:REF[:PERIOD]`` button per contract to choose from."""
    rows = choice_rows(prefix, choosing)
    await say(update, t(choosing.lang, "vendor_choose_contract"), keyboard(rows))
