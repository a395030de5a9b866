"""A fake Telegram Bot API server on loopback for tests and benchmarks (see server.py)."""

from tests.fakebot.objects import FakeUser
from tests.fakebot.server import (
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
    "button_data",
    "buttons",
]
