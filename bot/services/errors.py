"""Refusals the bot shows to a user: a message key and its parameters, translated at the edge.

A service raises them; the unit of work (bot.services.core) adds the asker's language, and the
one error handler (handlers.errors) tells the user.
"""

from __future__ import annotations

from typing import Any, Self


class BotError(Exception):
    """A request the bot refuses; ``key`` names the message in bot.texts, ``params`` fill it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.lang: str | None = None  # the language of the user to tell, once known

    def told_in(self, lang: str) -> Self:
        """This refusal, to be told in ``lang`` (unless a language was set already)."""
        if self.lang is None:
            self.lang = lang
        return self


class KeptBotError(BotError):
    """A refusal whose writes stand: the transaction commits, then the user is told why
    (a report for a closed period, kept for a manager's approval)."""


class AlreadyHandled(Exception):
    """The update was processed before (a redelivery): do nothing and say nothing."""
