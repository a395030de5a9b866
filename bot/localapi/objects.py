"""Complete Bot API objects (as JSON dicts) for the fake server: users, chats, messages, updates.

Telegram sends dates in seconds and ``is_bot`` on every user; a callback query always carries
``chat_instance``. PTB drops a whole ``getUpdates`` batch when one object does not parse, so
every builder here fills every required field.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


@dataclass(frozen=True, slots=True)
class FakeUser:
    """A human Telegram user talking to the bot in a private chat."""

    id: int
    first_name: str
    language_code: str | None = "zh"
    username: str | None = None
    last_name: str | None = None

    @property
    def chat_id(self) -> int:
        return self.id

    def to_dict(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def private_chat(self) -> JsonDict:
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


def now_seconds() -> int:
    """Telegram dates are whole seconds since the epoch."""
    return int(time.time())


def command_entities(text: str) -> list[JsonDict]:
    """``bot_command`` entities for every /command in the text, as Telegram marks them."""
    out = []
    for match in _COMMAND.finditer(text):
        start = match.start()
        if start > 0 and not text[start - 1].isspace():
            continue
        out.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[:start]),
                "length": utf16_len(match[0]),
            }
        )
    return out


def utf16_len(text: str) -> int:
    """Entity offsets and lengths count UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def photo_sizes(file_id: str, unique_id: str, sizes: list[tuple[int, int, int]]) -> list[JsonDict]:
    """PhotoSize objects, smallest first, as Telegram lists them; the last is the largest."""
    out = []
    for index, (width, height, size) in enumerate(sizes):
        out.append(
            {
                "file_id": f"{file_id}-{index}",
                "file_unique_id": f"{unique_id}-{index}",
                "width": width,
                "height": height,
                "file_size": size,
            }
        )
    return out
