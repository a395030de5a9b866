"""How the bot's messages (bot.texts.zh, bot.texts.en) are chosen and filled in.

``t(lang, key, **params)`` fills a message. Parameters may be plain values or rulebook objects:
a Label or an Item shows in the user's language, a Decimal without trailing zeros, a list
joined, a datetime as local ``YYYY-MM-DD HH:MM`` (in the zone it carries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from bot.texts import en, zh
from scoring.rulebook import Item, Label

LANGUAGES = ("zh", "en")

# Each language's messages, by key (bot.texts.zh, bot.texts.en: one home per language).
CATALOGUES: Mapping[str, Mapping[str, str]] = {"zh": zh.MESSAGES, "en": en.MESSAGES}


def language_of(chosen: str | None, telegram_code: str | None, default: str) -> str:
    """The user's language: their /lang choice, else their Telegram language, else the default."""
    for candidate in (chosen, telegram_code):
        if candidate:
            base = candidate.split("-")[0].lower()
            if base in LANGUAGES:
                return base
    return default if default in LANGUAGES else LANGUAGES[0]


def t(lang: str, key: str, **params: Any) -> str:
    """The message ``key`` in ``lang`` with its parameters filled in."""
    template = CATALOGUES.get(lang, zh.MESSAGES)[key]
    return template.format(**{name: show(lang, value) for name, value in params.items()})


def show(lang: str, value: Any) -> str:
    """A parameter as the user should read it."""
    if isinstance(value, Label):
        return value.get(lang)
    if isinstance(value, Item):
        return value.label.get(lang)
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, dt.datetime):
        # ``2026-07-15 08:40`` from the fields: strftime goes through the C library's locale
        # and time zone on every call, several times the cost on a bot idle between messages
        day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        return f"{day} {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, list | tuple):
        return ", ".join(show(lang, v) for v in value) or "—"
    return str(value)


def number(value: Decimal) -> str:
    """``Decimal('0.10')`` → ``0.1``; ``Decimal('25.0')`` → ``25``."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def where(lang: str, contract: str) -> str:
    """`` (contract X)`` or nothing."""
    return t(lang, "where_contract", contract=contract) if contract else ""
