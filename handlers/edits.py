"""An edited message: within the undo window, an edit of a one-line report corrects it.

Telegram sends an edit as an ``edited_message`` update, which no other handler takes (their
filters are for new messages: handlers.common.PRIVATE). The service decides (bot.services
.corrections); every edit gets an answer: what was corrected, or why the report stands.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.app.context import FloorApp, FloorContext
from bot.services.permissions import Action, requires
from bot.texts.reports import correction_text
from handlers.common import asking, say

# Edits of messages in private chats (group chats are not served).
EDITED = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE


@requires(Action.UNDO, sample="/late 张三 35")
async def on_edit(update: Update, context: FloorContext) -> None:
    """An edited message (its text, or a photo's caption): correct the report it recorded."""
    message = update.edited_message
    if message is None:
        return
    corrected = await context.services.corrections.edited(
        asking(update, context),
        message_id=message.message_id,
        text=message.text or message.caption or "",
    )
    await say(update, correction_text(corrected))


def register(app: FloorApp) -> None:
    app.add_handler(MessageHandler(EDITED, on_edit))
