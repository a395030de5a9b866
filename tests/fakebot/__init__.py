"""The tests' Telegram: the local Bot API the package ships (bot.localapi), and its fixture."""

from bot.localapi import (
    BOT_USERNAME,
    TOKEN,
    ApiCall,
    BotEvent,
    FakeTelegram,
    FakeUser,
    JsonDict,
    button_data,
    buttons,
)

__all__ = [
    "BOT_USERNAME",
    "TOKEN",
    "ApiCall",
    "BotEvent",
    "FakeTelegram",
    "FakeUser",
    "JsonDict",
    "button_data",
    "buttons",
]
