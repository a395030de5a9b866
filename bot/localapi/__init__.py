"""A local stand-in for the Telegram Bot API on loopback: the demo's and the tests' Telegram.

It speaks the Bot API over HTTP as python-telegram-bot calls it, so the real application —
the same builder, handlers, jobs and database code as ``floorbot run`` — runs on it unchanged
(``base_url``). ``floorbot demo`` puts a chat page in front of it; the test suite and the
benchmarks act as users through its methods (see server.py).
"""

from bot.localapi.objects import FakeUser, JsonDict
from bot.localapi.server import (
    BOT_USERNAME,
    TOKEN,
    ApiCall,
    BotEvent,
    FakeTelegram,
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
