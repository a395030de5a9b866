"""What the score, deductions, history and dispute handlers share: Telegram I/O.

Stored photos sent again by their Telegram file ids (a failure is logged, never raised: the
request has gone through), and the same photos as messages for the outbox: what other people
are told (managers, vendor leads, inspectors) is kept there (bot.services.outbox) and sent
until it arrives.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot
from telegram.error import TelegramError

from bot.services.outbox import Notice
from bot.texts.i18n import t

logger = logging.getLogger(__name__)


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


def photo_notices(
    chat_id: int, file_ids: Sequence[str], lang: str, key: str, **params: object
) -> list[Notice]:
    """Stored photos to send again by their Telegram file ids, captioned ``key`` (n of total),
    as the outbox keeps them."""
    total = len(file_ids)
    return [
        Notice(chat_id, "photo", t(lang, key, n=n, total=total, **params), photo=file_id)
        for n, file_id in enumerate(file_ids, start=1)
    ]
