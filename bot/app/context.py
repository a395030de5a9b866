"""The typed context every handler gets: the services, and notes on the updates being served."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.app.leader import Leadership, NotStarted
from bot.services.core import Receipt
from bot.services.parsing import command_name
from bot.services.registry import Services


class BotData:
    """``application.bot_data``: the services, notes on the updates being handled, the leader."""

    services: Services

    def __init__(self) -> None:
        self.notes: dict[int, Receipt] = {}
        self.digests: Any = (
            None  # bot.services.digests.runner.DigestRunner, set in post_init (bot.app.jobs)
        )
        self.leader: Leadership = NotStarted()  # set in post_init (bot.app.leader)
        # The rulebooks' report commands that none of the bot's own handlers take (set in
        # bot.app.builder.build_application).
        self.report_commands: frozenset[str] = frozenset()

    def note(self, update_id: int) -> Receipt:
        return self.notes.setdefault(update_id, Receipt())

    def report_command(self, text: str | None, bot_username: str | None) -> str | None:
        """The rulebook command a text or caption starts with (a one-line report), or None."""
        name = command_name(text, bot_username) if text else None
        return name if name is not None and name in self.report_commands else None

    def one_line_report(self, update: Update, *, captions: bool) -> bool:
        """A new private message whose text (or, with ``captions``, a photo's caption) starts
        with a rulebook's command."""
        message = update.message
        if message is None or message.chat.type != ChatType.PRIVATE:
            return False
        text = message.text if message.photo == () else message.caption if captions else None
        return self.report_command(text, message.get_bot().username) is not None


@dataclass
class UserData:
    """``context.user_data``: kept in ONE process's memory only, and lost on a restart — so
    it holds nothing.

    Unfinished work (the guided report, albums, pending choices, disputes and decisions in
    progress) must survive a restart and be seen by every bot process: it lives in the
    database (handlers.conversation, bot.services.conversation_state).
    """


# ExtBot[int]: the bot's rate limiter (bot.app.transport) takes the number of 429 retries per call.
class FloorContext(CallbackContext[ExtBot[int], UserData, dict[Any, Any], BotData]):
    """CallbackContext with typed access to the services."""

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def jobs(self) -> JobQueue[FloorContext] | None:
        """The job queue, typed for this context."""
        return cast("JobQueue[FloorContext] | None", self.job_queue)


FloorApp = Application[ExtBot[int], FloorContext, UserData, dict[Any, Any], BotData, Any]
