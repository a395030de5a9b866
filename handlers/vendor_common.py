"""What the score, deductions, history and dispute handlers share: Telegram I/O.

Messages to people other than the user (managers, vendor leads, inspectors: the services
name them, with their chat and language), and stored photos sent again by their Telegram
file ids. A failure to reach someone is logged, never raised: the request has gone through.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.services.vendor_views import Recipient
from bot.texts.i18n import t

logger = logging.getLogger(__name__)


async def send_to(
    bot: Bot, person: Recipient, text: str, markup: InlineKeyboardMarkup | None = None
) -> bool:
    """A message to someone other than the user; whether it reached them."""
    try:
        await bot.send_message(person.chat_id, text, reply_markup=markup)
    except TelegramError as exc:
        logger.warning("could not reach person %s: %s", person.person_id, exc)
        return False
    return True


async def send_photos(
    bot: Bot, chat_id: int, file_ids: Sequence[str], lang: str, key: str, **params: object
) -> int:
    """Send stored photos again by their Telegram file ids, captioned ``key`` (n of total)."""
    sent = 0
    for index, file_id in enumerate(file_ids, start=1):
        caption = t(lang, key, n=index, total=len(file_ids), **params)
        try:
            await bot.send_photo(chat_id, photo=file_id, caption=caption)
            sent += 1
        except TelegramError as exc:
            logger.warning("photo %s could not be sent to chat %s: %s", index, chat_id, exc)
    return sent
