"""The filter that routes an update to the conversation its user has open.

handlers.state reads, before any feature's handler runs, which kinds of unfinished work (a
guided report, an album, a pending choice, a dispute's steps) the user had when the update
came, and notes them on the update; :class:`Open` lets a handler match on that note. The work
itself is read and written by bot.services.conversations, under the chat's lock.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import filters

from bot.app.context import BotData


class Open(filters.UpdateFilter):
    """Updates whose user had unfinished work of ``kind`` when the update came (handlers.state).

    Handlers that continue a conversation use it (``MessageHandler(PRIVATE & Open(...), ...)``),
    so that routing does not depend on which process got the update.
    """

    def __init__(self, bot_data: BotData, kind: str) -> None:
        super().__init__(name=f"Open({kind})")
        self.bot_data = bot_data
        self.kind = kind

    def filter(self, update: Update) -> bool:
        note = self.bot_data.notes.get(update.update_id)
        return note is not None and self.kind in note.open
