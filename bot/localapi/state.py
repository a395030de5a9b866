"""The fake Bot API's state: recorded calls, the bot's messages, queued updates, files.

Helpers here build and store messages the way Telegram does (ids per chat, dates in seconds,
the inline keyboard kept with the message, "message is not modified" on a no-op edit).
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import hashlib
import html
import itertools
import re
import time
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.localapi.limits import FloodLimits
from bot.localapi.objects import FakeUser, JsonDict, now_seconds, photo_sizes

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
BOT_ID = 123456789
BOT_USERNAME = "floorbot_test_bot"
_TAG = re.compile(r"<[^>]+>")
# When the request being answered reached the server (set per request by methods.py): a call
# and the message it sends are stamped with it, so that what they take to parse and answer
# here is not counted as the bot's time.
ARRIVED: contextvars.ContextVar[float] = contextvars.ContextVar("arrived")


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One request the bot made, and when it reached the server."""

    method: str
    params: JsonDict
    at: float


@dataclass(frozen=True, slots=True)
class BotEvent:
    """A message the bot sent, or an edit of one: a snapshot of what the user saw."""

    kind: str  # "send" or "edit"
    method: str
    chat_id: int
    message: JsonDict
    at: float  # when the request that sent or edited it reached the server


@dataclass(slots=True)
class Fault:
    """An error the next calls of a method answer with (for fault-injection tests)."""

    status: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass(eq=False, slots=True)
class Queued:
    """An update waiting to be fetched; a forced one is sent even below the offset, once."""

    update: JsonDict
    forced: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class FakeState:
    """Everything the fake server knows."""

    token: str = TOKEN
    bot_username: str = BOT_USERNAME
    calls: list[ApiCall] = field(default_factory=list)
    events: list[BotEvent] = field(default_factory=list)
    callback_answers: dict[str, JsonDict] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[JsonDict]] = field(default_factory=dict)
    menu_buttons: dict[int | None, JsonDict] = field(default_factory=dict)  # None: the default
    webhook: JsonDict | None = None
    injected: list[JsonDict] = field(default_factory=list)
    port: int = 0
    limits: FloodLimits | None = None  # Telegram's flood limits, when a test turns them on
    blocked: set[int] = field(default_factory=set)  # chats whose user blocked the bot
    _updates: list[Queued] = field(default_factory=list)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _message_ids: dict[int, itertools.count[int]] = field(default_factory=dict)
    _messages: dict[tuple[int, int], JsonDict] = field(default_factory=dict)
    _chats: dict[int, JsonDict] = field(default_factory=dict)
    _files: dict[str, StoredFile] = field(default_factory=dict)
    _file_seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _cursors: dict[int, int] = field(default_factory=dict)
    _faults: dict[str, Fault] = field(default_factory=dict)
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    _client: aiohttp.ClientSession | None = None
    _closing: bool = False

    def menu_button(self, chat_id: int | None) -> JsonDict | None:
        """The chat's menu button as the bot set it (or the default one), None when unset."""
        found = self.menu_buttons.get(chat_id)
        if found is None and chat_id is not None:
            found = self.menu_buttons.get(None)
        return dict(found) if found is not None else None

    @property
    def bot_user(self) -> JsonDict:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Floorbot",
            "username": self.bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def add_file(
        self, content: bytes, *, suffix: str = "jpg", prefix: str = "photos"
    ) -> StoredFile:
        """A file the bot can fetch with getFile and download."""
        seq = next(self._file_seq)
        digest = hashlib.sha256(content).hexdigest()[:12]
        stored = StoredFile(
            f"F{seq}-{digest}", f"U{digest}", f"{prefix}/file_{seq}.{suffix}", content
        )
        self._files[stored.file_id] = stored
        return stored

    def add_photo(self, content: bytes) -> list[JsonDict]:
        """Register a photo in three sizes (smaller ones hold other bytes); return PhotoSizes."""
        sizes = [(90, 67, 1000), (320, 240, 9000), (1280, 960, len(content))]
        seq = next(self._file_seq)
        out = photo_sizes(f"P{seq}", f"Q{seq}", sizes)
        for index, size in enumerate(out):
            body = content if index == len(out) - 1 else b"thumb%d-%d" % (seq, index)
            path = f"photos/file_{seq}_{index}.jpg"
            self._files[size["file_id"]] = StoredFile(
                size["file_id"], size["file_unique_id"], path, body
            )
            size["file_size"] = len(body)
        return out

    # -- helpers ------------------------------------------------------------------------

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _user_message(self, user: FakeUser, reply_to: JsonDict | None) -> JsonDict:
        chat = user.private_chat()
        self._chats[user.chat_id] = chat
        message: JsonDict = {
            "message_id": self._next_message_id(user.chat_id),
            "date": now_seconds(),
            "chat": chat,
            "from": user.to_dict(),
        }
        if reply_to is not None:
            message["reply_to_message"] = copy.deepcopy(
                self._messages.get((user.chat_id, reply_to["message_id"]), reply_to)
            )
        self._messages[(user.chat_id, message["message_id"])] = message
        return message

    def _bot_message(self, params: JsonDict) -> JsonDict:
        chat_id = int(params["chat_id"])
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return {
            "message_id": self._next_message_id(chat_id),
            "date": now_seconds(),
            "chat": chat,
            "from": self.bot_user,
        }

    def _caption(self, message: JsonDict, params: JsonDict) -> None:
        if params.get("caption"):
            message["caption"] = visible(params["caption"], params.get("parse_mode"))
        self._attach_markup(message, params)

    @staticmethod
    def _attach_markup(message: JsonDict, params: JsonDict) -> None:
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}

    def _editable(self, params: JsonDict) -> JsonDict:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self._messages.get(key)
        if message is None or message["from"]["id"] != BOT_ID:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _record_send(self, method: str, message: JsonDict) -> JsonDict:
        chat_id = message["chat"]["id"]
        self._messages[(chat_id, message["message_id"])] = message
        self.events.append(BotEvent("send", method, chat_id, copy.deepcopy(message), _arrived()))
        return message

    def _record_edit(self, method: str, old: JsonDict, new: JsonDict) -> JsonDict:
        if old.get("text") == new.get("text") and old.get("reply_markup") == new.get(
            "reply_markup"
        ):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        new["edit_date"] = now_seconds()
        chat_id = new["chat"]["id"]
        self._messages[(chat_id, new["message_id"])] = new
        self.events.append(BotEvent("edit", method, chat_id, copy.deepcopy(new), _arrived()))
        return new

    def _file(self, file_id: str) -> StoredFile:
        stored = self._files.get(file_id)
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return stored

    async def _post_webhook(self, update: JsonDict) -> None:
        assert self.webhook is not None
        if self._client is None:
            self._client = aiohttp.ClientSession()
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        async with self._client.post(self.webhook["url"], json=update, headers=headers) as resp:
            resp.raise_for_status()


def visible(text: str, parse_mode: str | None) -> str:
    """The text as the user sees it (HTML tags removed, entities unescaped)."""
    if parse_mode and parse_mode.upper() == "HTML":
        return html.unescape(_TAG.sub("", text))
    return text


def _arrived() -> float:
    """When the request being answered arrived (now, for a message made outside a request)."""
    return ARRIVED.get(time.monotonic())
