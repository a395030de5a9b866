"""A small fake Telegram Bot API server on loopback, for running the real PTB Application in tests.

It speaks the Bot API over HTTP exactly as PTB calls it (bot.localapi.methods), long-polls
``getUpdates``, keeps the messages the bot sent and edited, serves files for ``getFile``
downloads, and records every request (bot.localapi.state). Tests inject complete updates and
wait for what the bot sends back, with the helpers here.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import socket
from collections.abc import Callable
from typing import TypeVar

from aiohttp import web

from bot.localapi.limits import FloodLimits
from bot.localapi.methods import BotApiMethods
from bot.localapi.objects import FakeUser, JsonDict, command_entities, now_seconds
from bot.localapi.state import (
    BOT_ID,
    BOT_USERNAME,
    TOKEN,
    ApiCall,
    BotEvent,
    Fault,
    Queued,
)

DEFAULT_WAIT = 5.0
_T = TypeVar("_T")

__all__ = ["BOT_ID", "BOT_USERNAME", "TOKEN", "ApiCall", "BotEvent", "FakeTelegram"]


class FakeTelegram(BotApiMethods):
    """The fake Bot API: start it, act as users, wait for the bot."""

    # -- lifecycle ---------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        """Serve on 127.0.0.1 on a free port."""
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        """End pending long polls at once, then stop serving."""
        self._closing = True
        await self._stop_retries()
        await self._notify()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what tests do -------------------------------------------------------------

    def know(self, user: FakeUser) -> None:
        """Make the user's private chat known, as if they had started the bot earlier."""
        self._chats[user.chat_id] = user.private_chat()

    async def send_text(
        self, user: FakeUser, text: str, *, reply_to: JsonDict | None = None
    ) -> JsonDict:
        """The user sends a text (commands get their ``bot_command`` entities)."""
        message = self._user_message(user, reply_to)
        message["text"] = text
        if entities := command_entities(text):
            message["entities"] = entities
        await self.inject({"message": message})
        return message

    async def edit_text(self, user: FakeUser, message: JsonDict, text: str) -> JsonDict:
        """The user edits one of their messages (Telegram sends an ``edited_message``)."""
        edited = copy.deepcopy(message)
        edited["text"] = text
        edited["edit_date"] = now_seconds()
        edited.pop("entities", None)
        if entities := command_entities(text):
            edited["entities"] = entities
        self._messages[(user.chat_id, message["message_id"])] = edited
        await self.inject({"edited_message": edited})
        return edited

    async def edit_caption(self, user: FakeUser, message: JsonDict, caption: str) -> JsonDict:
        """The user edits the caption of one of their photos (an ``edited_message`` too)."""
        edited = copy.deepcopy(message)
        edited["caption"] = caption
        edited["edit_date"] = now_seconds()
        edited.pop("caption_entities", None)
        if entities := command_entities(caption):
            edited["caption_entities"] = entities
        self._messages[(user.chat_id, message["message_id"])] = edited
        await self.inject({"edited_message": edited})
        return edited

    async def send_photo(
        self,
        user: FakeUser,
        content: bytes,
        *,
        caption: str | None = None,
        media_group_id: str | None = None,
        reply_to: JsonDict | None = None,
    ) -> JsonDict:
        """The user sends a photo: three sizes, the largest holding ``content``."""
        message = self._user_message(user, reply_to)
        message["photo"] = self.add_photo(content)
        if caption is not None:
            message["caption"] = caption
            if entities := command_entities(caption):
                message["caption_entities"] = entities
        if media_group_id is not None:
            message["media_group_id"] = media_group_id
        await self.inject({"message": message})
        return message

    async def press(self, user: FakeUser, message: JsonDict, data: str) -> str:
        """The user taps an inline button with ``data`` under one of the bot's messages."""
        chat_id = message["chat"]["id"]
        current = self._messages.get((chat_id, message["message_id"]), message)
        query_id = f"cq{next(self._file_seq)}"
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": copy.deepcopy(current),
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        await self.inject({"callback_query": query})
        return query_id

    async def press_button(self, user: FakeUser, message: JsonDict, label: str) -> str:
        """Tap the button whose text contains ``label``."""
        return await self.press(user, message, button_data(message, label))

    async def inject(self, body: JsonDict) -> JsonDict:
        """Queue an update (or POST it to the webhook when one is set); returns it with its id."""
        update = {"update_id": next(self._update_ids), **body}
        self.injected.append(update)
        await self.deliver(update)
        return update

    def update_of(self, message: JsonDict) -> JsonDict:
        """The update that carried a message the user sent (to deliver it again)."""
        for update in self.injected:
            if update.get("message", {}).get("message_id") == message["message_id"]:
                return update
        raise KeyError(message["message_id"])

    async def deliver(self, update: JsonDict, *, redelivery: bool = False) -> None:
        """Deliver an update as it is; ``redelivery`` sends it again even if it was confirmed."""
        if self.webhook is not None:
            await self._deliver_webhook(update)
            return
        assert self._changed is not None
        async with self._changed:
            self._updates.append(Queued(copy.deepcopy(update), forced=redelivery))
            self._changed.notify_all()

    async def redeliver(self, update: JsonDict) -> None:
        """Telegram sends an update it already sent once again (same ``update_id``)."""
        await self.deliver(update, redelivery=True)

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error."""
        self._faults[method.lower()] = Fault(status, description, retry_after, times)

    def block(self, user: FakeUser) -> None:
        """The user blocks the bot: sending to their chat answers 403 Forbidden."""
        self.blocked.add(user.chat_id)

    def enforce_limits(self, per_second: int = 30, chat_gap: float = 1.0) -> FloodLimits:
        """Answer 429 (with retry_after) to sends beyond Telegram's flood limits."""
        self.limits = FloodLimits(per_second=per_second, chat_gap=chat_gap)
        return self.limits

    def document_content(self, message: JsonDict) -> bytes:
        """The bytes of a document the bot sent."""
        return self._file(message["document"]["file_id"]).content

    def photo_content(self, message: JsonDict) -> bytes:
        """The bytes of a photo the bot sent (its largest size)."""
        return self._file(message["photo"][-1]["file_id"]).content

    # -- waiting for the bot -----------------------------------------------------------

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[JsonDict], bool] | None = None,
        timeout: float = DEFAULT_WAIT,  # noqa: ASYNC109
        *,
        skip_methods: tuple[str, ...] = (),
    ) -> JsonDict:
        """The next message sent or edited in the chat after the last one returned that matches.

        ``skip_methods`` ignores some kinds of output, e.g. ``editMessageReplyMarkup`` when only
        the buttons of an older message were taken away.
        """
        event = await self.wait_for_event(chat_id, predicate, timeout, skip_methods=skip_methods)
        return event.message

    async def wait_for_event(
        self,
        chat_id: int,
        predicate: Callable[[JsonDict], bool] | None = None,
        timeout: float = DEFAULT_WAIT,  # noqa: ASYNC109
        *,
        skip_methods: tuple[str, ...] = (),
    ) -> BotEvent:
        """Like wait_for_message, but returns the event (send or edit, and when)."""
        assert self._changed is not None

        def found() -> BotEvent | None:
            start = self._cursors.get(chat_id, 0)
            for index in range(start, len(self.events)):
                event = self.events[index]
                if event.chat_id != chat_id or event.method in skip_methods:
                    continue
                if predicate is None or predicate(event.message):
                    self._cursors[chat_id] = index + 1
                    return event
            return None

        return await self._wait_until(found, timeout, lambda: self._unmatched(chat_id))

    async def expect_silence(self, chat_id: int, within: float = 0.5) -> None:
        """Assert that the bot sends or edits nothing more in the chat for ``within`` seconds."""
        await asyncio.sleep(within)
        start = self._cursors.get(chat_id, 0)
        extra = [e for e in self.events[start:] if e.chat_id == chat_id]
        assert not extra, f"unexpected bot messages: {[e.message.get('text') for e in extra]}"

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = DEFAULT_WAIT,  # noqa: ASYNC109
    ) -> ApiCall:
        """The first recorded call of ``method`` that matches."""
        assert self._changed is not None

        def match() -> ApiCall | None:
            for call in self.calls:
                if call.method == method and (predicate is None or predicate(call)):
                    return call
            return None

        return await self._wait_until(match, timeout, lambda: f"no call of {method}")

    async def _wait_until(
        self,
        probe: Callable[[], _T | None],
        timeout: float,  # noqa: ASYNC109
        describe: Callable[[], str],
    ) -> _T:
        """Re-run ``probe`` whenever the server's state changes, until it returns something."""
        assert self._changed is not None
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._changed:
            while (result := probe()) is None:
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s: {describe()}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
        return result

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def message(self, chat_id: int, message_id: int) -> JsonDict:
        """The current state of a stored message."""
        return copy.deepcopy(self._messages[(chat_id, message_id)])

    def chat(self, chat_id: int) -> list[JsonDict]:
        """Every message of a chat as it stands now (the user's and the bot's), oldest first."""
        found = [m for (chat, _), m in self._messages.items() if chat == chat_id]
        return copy.deepcopy(sorted(found, key=lambda m: int(m["message_id"])))

    @property
    def version(self) -> int:
        """Grows whenever a user sends something or the bot sends or edits a message."""
        return len(self.injected) + len(self.events)

    async def wait_for_change(self, version: int, timeout: float) -> int:  # noqa: ASYNC109
        """The version once it is past ``version``, or as it is after ``timeout`` seconds."""
        with contextlib.suppress(AssertionError):
            await self._wait_until(
                lambda: self.version if self.version > version else None, timeout, str
            )
        return self.version

    def file_content(self, file_id: str) -> bytes:
        """The bytes of a file the bot sent or a user uploaded (KeyError when unknown)."""
        stored = self._files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.content

    def skip_to_end(self, chat_id: int) -> None:
        """Forget what the bot has said in the chat so far (the next wait sees only new output)."""
        self._cursors[chat_id] = len(self.events)

    def _unmatched(self, chat_id: int) -> str:
        """What the bot said in the chat since the last wait (for a timed-out wait's error)."""
        start = self._cursors.get(chat_id, 0)
        texts = [
            e.message.get("text") or e.message.get("caption")
            for e in self.events[start:]
            if e.chat_id == chat_id
        ]
        return f"no matching bot message in chat {chat_id}; unmatched since last wait: {texts}"


def button_data(message: JsonDict, label: str) -> str:
    """The callback data of the inline button whose text contains ``label``."""
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            if label in button["text"] and "callback_data" in button:
                return str(button["callback_data"])
    texts = [
        b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row
    ]
    raise AssertionError(f"no button {label!r} under the message; buttons: {texts}")


def buttons(message: JsonDict) -> list[str]:
    """The texts of all inline buttons under a message, row by row."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]
