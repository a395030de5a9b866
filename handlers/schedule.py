"""``/schedule [CONTRACT] [SETTING …]``: see or change when a contract's digests go out.

Settings: ``daily 18:30``, ``assessment 24 09:00``, ``reminder 16:00``, ``days weekdays``;
``off`` turns one off. Times are the contract's local time (bot.services.digests.timetable).
A change takes effect at once: the contract's jobs are set again (bot.app.jobs).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.app.context import FloorApp, FloorContext
from bot.app.jobs import schedule_jobs
from bot.services.permissions import Action, requires
from bot.texts.digests import timetable_text
from handlers.common import PRIVATE, asking, say


@requires(Action.DIGEST, Action.SCHEDULE, sample="daily 08:00")
async def schedule_command(update: Update, context: FloorContext) -> None:
    """/schedule: show a contract's digest times, or change them."""
    found = await context.services.digests.timetable(
        asking(update, context), args=context.args or []
    )
    if found.changed:
        await schedule_jobs(context.application)  # the contract's jobs at their new times
    await say(update, timetable_text(found))


def register(app: FloorApp) -> None:
    app.add_handler(CommandHandler("schedule", schedule_command, filters=PRIVATE))
