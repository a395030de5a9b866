"""After every update: remember its id, so that a redelivery of it is recognised.

Requests that change something claim the id in their own unit of work (bot.services.core),
so a redelivered update finds it taken and does nothing; this last group claims
the ids of the rest (help, menus, form steps) once they have been answered.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import TypeHandler

from bot.app.context import FloorApp, FloorContext
from bot.services.permissions import public

LAST_GROUP = 1000


@public("bookkeeping after every update: remembers its id")
async def mark_processed(update: Update, context: FloorContext) -> None:
    """Remember the update id, unless the request's own transaction already did."""
    note = context.bot_data.notes.pop(update.update_id, None)
    if note is not None and note.claimed:
        return
    await context.services.bookkeeping.remember(update.update_id)


def register(app: FloorApp) -> None:
    app.add_handler(TypeHandler(Update, mark_processed), group=LAST_GROUP)
