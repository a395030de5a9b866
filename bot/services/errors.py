"""Refusals the bot shows to a user: a message key and its parameters, translated at the edge."""

from __future__ import annotations

from typing import Any


class BotError(Exception):
    """A request the bot refuses; ``key`` names the message in bot.texts.i18n, ``params`` fill
    it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class KeptBotError(BotError):
    """A refusal whose writes stand: the transaction commits, then the user is told why
    (a report for a closed period, kept for a manager's approval)."""


class AlreadyHandled(Exception):
    """The update was processed before (a redelivery): do nothing and say nothing."""
