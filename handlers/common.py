"""What every handler shares: the request it hands to the services, replies, keyboards, photos."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import filters

from bot.app.context import FloorContext
from bot.app.transport import DOWNLOAD_RETRIES, with_retries
from bot.services.actors import TelegramUser
from bot.services.core import Asking
from bot.services.drafts import Photo

# New messages in private chats: group chats are not served, and an edited message is never
# taken as a second report.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
NOT_MODIFIED = "message is not modified"


def telegram_user(update: Update) -> TelegramUser:
    user = update.effective_user
    assert user is not None
    return TelegramUser(user.id, user.full_name, user.language_code)


def asking(update: Update, context: FloorContext) -> Asking:
    """The update as a request to the services: who, from which chat, and its receipt."""
    chat = update.effective_chat
    assert chat is not None
    return Asking(
        update.update_id, telegram_user(update), chat.id, context.bot_data.note(update.update_id)
    )


def default_language(context: FloorContext) -> str:
    return context.services.settings.default_language


async def say(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send a message to the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, reply_markup=markup)


async def edit(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit one of the bot's messages in place (an identical edit is not an error)."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest as exc:
        if NOT_MODIFIED not in str(exc).lower():
            raise


async def drop_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Remove the buttons under an old message (gone or unchanged is fine)."""
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest:
        return


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Inline buttons from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def with_button(
    markup: InlineKeyboardMarkup | None, button: InlineKeyboardButton | None
) -> InlineKeyboardMarkup | None:
    """``markup`` with one more row holding ``button`` (when there is one)."""
    if button is None:
        return markup
    rows = markup.inline_keyboard if markup is not None else ()
    return InlineKeyboardMarkup([*rows, [button]])


def largest(sizes: Sequence[PhotoSize]) -> PhotoSize:
    """The biggest of a photo's sizes."""
    return max(sizes, key=lambda s: (s.width * s.height, s.file_size or 0))


async def download_photo(bot: Bot, sizes: Sequence[PhotoSize]) -> Photo:
    """Download the largest size of a photo and hash it (SHA-256); a failed download is retried."""
    size = largest(sizes)
    file = await bot.get_file(size.file_id)
    data = await with_retries(file.download_as_bytearray, DOWNLOAD_RETRIES, "photo download")
    return Photo(size.file_id, size.file_unique_id, hashlib.sha256(data).hexdigest())
