"""The Bot API methods the bot uses, over HTTP as python-telegram-bot calls them.

Requests come as form or multipart bodies (strings as they are, other fields JSON-encoded);
answers are ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code", "description"}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.localapi.faults import FaultInjection
from bot.localapi.limits import SENDING
from bot.localapi.objects import JsonDict
from bot.localapi.state import ARRIVED, ApiCall, ApiError, visible

# Fields PTB sends as plain strings; every other field is JSON-encoded.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "file_id",
        "url",
        "secret_token",
        "language_code",
        "action",
        "inline_message_id",
        "photo",
        "document",
        "emoji",
        "business_connection_id",
        "message_effect_id",
    }
)


class BotApiMethods(FaultInjection):
    """The HTTP side: one handler per Bot API method, plus file downloads."""

    # -- HTTP ---------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()
        ARRIVED.set(arrived)  # (aiohttp answers each request in a task of its own)
        method = request.match_info["method"]
        params, uploads = await _read_params(request)
        self.calls.append(ApiCall(method, params, arrived))
        await self._notify()
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        fault = self._take_fault(method)
        if fault is not None:
            return fault
        trouble = await self._trouble(request, method)
        if trouble is not None:
            return trouble
        refusal = self._refuse(method, params)
        if refusal is not None:
            return refusal
        handler = self._methods().get(method.lower())
        if handler is None:
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params, uploads)
        except ApiError as exc:
            return _error(exc.status, exc.description)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        fault = self._take_fault("file")
        if fault is not None:
            return fault
        trouble = await self._trouble(request, "file")
        if trouble is not None:
            return trouble
        path = request.match_info["path"]
        for stored in self._files.values():
            if stored.file_path == path:
                return web.Response(body=stored.content, content_type="application/octet-stream")
        return web.Response(status=404)

    def _take_fault(self, method: str) -> web.Response | None:
        fault = self._faults.get(method.lower())
        if fault is None or fault.remaining <= 0:
            return None
        fault.remaining -= 1
        extra = {"retry_after": fault.retry_after} if fault.retry_after is not None else None
        return _error(fault.status, fault.description, extra)

    def _refuse(self, method: str, params: JsonDict) -> web.Response | None:
        """A send to a user who blocked the bot (403), or one over the flood limits (429)."""
        if method.lower() not in SENDING or "chat_id" not in params:
            return None
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if self.limits is None:
            return None
        retry = self.limits.check(method, chat_id, time.monotonic())
        if retry is None:
            return None
        return _error(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    def _methods(self) -> dict[str, Callable[[JsonDict, dict[str, bytes]], Awaitable[Any]]]:
        return {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "getfile": self._get_file,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": self._get_chat_menu_button,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendchataction": self._true,
            "deletemessage": self._delete_message,
            "close": self._true,
        }

    # -- methods --------------------------------------------------------------------------

    async def _true(self, params: JsonDict, uploads: dict[str, bytes]) -> bool:
        return True

    async def _get_me(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        return self.bot_user

    async def _get_updates(self, params: JsonDict, uploads: dict[str, bytes]) -> list[JsonDict]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        assert self._changed is not None
        async with self._changed:
            self._updates = [q for q in self._updates if q.forced or q.update_id >= offset]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: bool(self._updates) or self._closing), timeout
                )
            batch = self._updates[:limit]
            self._updates = [q for q in self._updates if not (q.forced and q in batch)]
            return [copy.deepcopy(q.update) for q in batch]

    async def _send_message(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        message = self._bot_message(params)
        message["text"] = visible(params["text"], params.get("parse_mode"))
        self._attach_markup(message, params)
        return self._record_send("sendMessage", message)

    async def _send_photo(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        message = self._bot_message(params)
        content = uploads.get("photo")
        if content is None:
            content = self._file(str(params["photo"])).content
        message["photo"] = self.add_photo(content)
        self._caption(message, params)
        return self._record_send("sendPhoto", message)

    async def _send_document(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        message = self._bot_message(params)
        content = uploads.get("document")
        if content is None:
            content = self._file(str(params["document"])).content
        stored = self.add_file(content, suffix="bin", prefix="documents")
        message["document"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": params.get("_filename_document", "document"),
            "file_size": len(content),
        }
        self._caption(message, params)
        return self._record_send("sendDocument", message)

    async def _edit_message_text(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        message = self._editable(params)
        new = copy.deepcopy(message)
        new["text"] = visible(params["text"], params.get("parse_mode"))
        new.pop("reply_markup", None)
        self._attach_markup(new, params)
        return self._record_edit("editMessageText", message, new)

    async def _edit_reply_markup(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        message = self._editable(params)
        new = copy.deepcopy(message)
        new.pop("reply_markup", None)
        self._attach_markup(new, params)
        return self._record_edit("editMessageReplyMarkup", message, new)

    async def _answer_callback_query(self, params: JsonDict, uploads: dict[str, bytes]) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id in self.callback_answers:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        self.callback_answers[query_id] = params
        return True

    async def _get_file(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        stored = self._file(str(params["file_id"]))
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _set_my_commands(self, params: JsonDict, uploads: dict[str, bytes]) -> bool:
        self.commands[_scope_key(params)] = list(params["commands"])
        return True

    async def _delete_my_commands(self, params: JsonDict, uploads: dict[str, bytes]) -> bool:
        self.commands.pop(_scope_key(params), None)
        return True

    async def _get_my_commands(self, params: JsonDict, uploads: dict[str, bytes]) -> list[Any]:
        return self.commands.get(_scope_key(params), [])

    async def _set_chat_menu_button(self, params: JsonDict, uploads: dict[str, bytes]) -> bool:
        """A chat's menu button (no chat_id: every private chat's default)."""
        chat = params.get("chat_id")
        button = params.get("menu_button") or {"type": "default"}
        self.menu_buttons[int(chat) if chat is not None else None] = dict(button)
        await self._notify()
        return True

    async def _get_chat_menu_button(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        chat = params.get("chat_id")
        return self.menu_button(int(chat) if chat is not None else None) or {"type": "commands"}

    async def _set_webhook(self, params: JsonDict, uploads: dict[str, bytes]) -> bool:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return True

    async def _delete_webhook(self, params: JsonDict, uploads: dict[str, bytes]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JsonDict, uploads: dict[str, bytes]) -> JsonDict:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    async def _delete_message(self, params: JsonDict, uploads: dict[str, bytes]) -> bool:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if self._messages.pop(key, None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True


def _error(status: int, description: str, parameters: JsonDict | None = None) -> web.Response:
    body: JsonDict = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def _read_params(request: web.Request) -> tuple[JsonDict, dict[str, bytes]]:
    """Form or multipart fields as PTB encodes them: strings as is, everything else as JSON."""
    params: JsonDict = {}
    uploads: dict[str, bytes] = {}
    if request.method == "GET":
        form: Any = request.query
    elif request.content_type == "application/json":
        return await request.json(), uploads
    else:
        form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            uploads[name] = value.file.read()
            params[f"_filename_{name}"] = value.filename
            continue
        params[name] = _decode(name, str(value))
    for name, content in list(uploads.items()):
        params.setdefault(name, f"attach://{name}")
        uploads[name] = content
    return params, uploads


def _decode(name: str, raw: str) -> Any:
    if name in _STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _scope_key(params: JsonDict) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")
