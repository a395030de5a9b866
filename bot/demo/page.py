"""The demo's chat page: a web page that looks and works like a Telegram chat, on loopback.

The page (static/index.html) switches between the demo people, sends text, commands and
photos as them, presses inline buttons and shows what the bot sent — text, photos and
documents, downloadable — in the order sent, updated live by long polling ``/api/chat``.
Everything goes through the local Bot API (bot.localapi), so the bot sees real updates.

A ``web_app`` button (and the chat's menu button, when the bot set one) opens the Mini App in a
sheet over the chat, as Telegram does: ``/api/webapp/{person}`` signs the person's launch data
with the bot's token, the way Telegram would, and hands back the button's URL with it in the
fragment — only for URLs under the demo's own ``/app/``.
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
import secrets
from collections.abc import Callable
from importlib.resources import files
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web

from bot.app.settings import MINI_APP_PATH
from bot.demo.people import PEOPLE, DemoPerson
from bot.localapi import TOKEN, FakeTelegram, JsonDict
from bot.services.webapp_auth import sign_init_data

LONG_POLL_SECONDS = 20.0
MAX_UPLOAD = 10 * 1024 * 1024
PAGE = files("bot.demo").joinpath("static/index.html")
# What Telegram appends to a Mini App's URL besides the launch data.
LAUNCH_KEYS = "tgWebAppVersion=8.0&tgWebAppPlatform=demo"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ChatPage:
    """The page's HTTP side: the people, their chats, and what they send."""

    def __init__(
        self,
        fake: FakeTelegram,
        lang: str,
        title: str,
        *,
        now: Callable[[], dt.datetime] = _utc_now,
        webapp_url: str | None = None,
    ) -> None:
        """``now``: the bot's clock (launch data is signed at its time); ``webapp_url``: the
        Mini App's address as the bot's buttons give it, when it is not on this page's host."""
        self.fake = fake
        self.lang = lang
        self.title = title
        self.now = now
        self.webapp_url = webapp_url
        self.people = {person.key: person for person in PEOPLE}
        for person in PEOPLE:  # registered by the seed: as if each had started the bot
            fake.know(person.user(lang))

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_get("/", self.index)
        app.router.add_get("/api/people", self.list_people)
        app.router.add_get("/api/chat/{person}", self.chat)
        app.router.add_post("/api/chat/{person}/text", self.send_text)
        app.router.add_post("/api/chat/{person}/press", self.press)
        app.router.add_post("/api/chat/{person}/photo", self.send_photo)
        app.router.add_get("/api/file/{file_id}", self.file)
        app.router.add_get("/api/webapp/{person}", self.webapp)
        return app

    # -- reading ------------------------------------------------------------------------------

    async def index(self, _request: web.Request) -> web.Response:
        return web.Response(text=PAGE.read_text("utf-8"), content_type="text/html")

    async def list_people(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "lang": self.lang,
                "title": self.title,
                "people": [
                    {
                        "key": p.key,
                        "name": p.name(self.lang),
                        "role": p.role.value,
                        "contract": p.contract,
                    }
                    for p in PEOPLE
                ],
            }
        )

    async def chat(self, request: web.Request) -> web.Response:
        """The person's chat; with ``since``, waits until something newer happened."""
        person = self._person(request)
        since = request.query.get("since")
        if since is not None and since.isdigit():
            await self.fake.wait_for_change(int(since), LONG_POLL_SECONDS)
        messages = [_shown(m) for m in self.fake.chat(person.user_id)]
        menu = self.fake.menu_button(person.user_id)
        shown_menu = None
        if menu is not None and menu.get("type") == "web_app":
            shown_menu = {"text": menu.get("text", ""), "url": menu["web_app"]["url"]}
        return web.json_response(
            {"version": self.fake.version, "messages": messages, "menu": shown_menu}
        )

    async def file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        try:
            content = self.fake.file_content(file_id)
        except KeyError:
            raise web.HTTPNotFound(text="no such file") from None
        name = request.query.get("name")
        headers = (
            {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"} if name else {}
        )
        kind = (mimetypes.guess_type(name)[0] if name else None) or "image/jpeg"
        return web.Response(body=content, content_type=kind, headers=headers)

    async def webapp(self, request: web.Request) -> web.Response:
        """The Mini App's URL as Telegram opens it for the person: with signed launch data."""
        person = self._person(request)
        url = request.query.get("url", "")
        if not self._ours(url, request):
            raise web.HTTPBadRequest(text="not a Mini App of this demo")
        user = {"id": person.user_id, "first_name": person.name(self.lang)}
        fields = {
            "auth_date": str(int(self.now().timestamp())),
            "query_id": f"AAH{secrets.token_urlsafe(12)}",
            "user": json.dumps(
                {**user, "language_code": self.lang}, ensure_ascii=False, separators=(",", ":")
            ),
        }
        launch = f"tgWebAppData={quote(sign_init_data(fields, TOKEN), safe='')}&{LAUNCH_KEYS}"
        joiner = "&" if "#" in url else "#"
        return web.json_response({"url": f"{url}{joiner}{launch}"})

    def _ours(self, url: str, request: web.Request) -> bool:
        """Whether ``url`` lies under the demo's own /app/ (this host's, or the bot's)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.username or parts.password:
            return False
        here = f"{request.scheme}://{request.host}{MINI_APP_PATH}"
        prefixes = [here] if self.webapp_url is None else [here, self.webapp_url]
        address = f"{parts.scheme}://{parts.netloc}{parts.path}"
        return any(address.startswith(p) and ".." not in parts.path for p in prefixes)

    # -- acting as a person -------------------------------------------------------------------

    async def send_text(self, request: web.Request) -> web.Response:
        person = self._person(request)
        body = await request.json()
        text = str(body.get("text", "")).strip()
        if not text:
            raise web.HTTPBadRequest(text="nothing to send")
        await self.fake.send_text(person.user(self.lang), text)
        return web.json_response({"version": self.fake.version})

    async def press(self, request: web.Request) -> web.Response:
        person = self._person(request)
        body = await request.json()
        try:
            message = self.fake.message(person.user_id, int(body["message_id"]))
        except (KeyError, TypeError, ValueError):
            raise web.HTTPBadRequest(text="no such message") from None
        await self.fake.press(person.user(self.lang), message, str(body.get("data", "")))
        return web.json_response({"version": self.fake.version})

    async def send_photo(self, request: web.Request) -> web.Response:
        person = self._person(request)
        form = await request.post()
        upload = form.get("photo")
        if not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="no photo")
        caption = str(form.get("caption") or "").strip() or None
        content = upload.file.read()
        await self.fake.send_photo(person.user(self.lang), content, caption=caption)
        return web.json_response({"version": self.fake.version})

    def _person(self, request: web.Request) -> DemoPerson:
        person = self.people.get(request.match_info["person"])
        if person is None:
            raise web.HTTPNotFound(text="no such person")
        return person


def _shown(message: JsonDict) -> dict[str, Any]:
    """A message as the page draws it."""
    shown: dict[str, Any] = {
        "id": message["message_id"],
        "from_bot": bool(message.get("from", {}).get("is_bot")),
        "text": message.get("text") or message.get("caption") or "",
        "edited": "edit_date" in message,
        "buttons": [
            [
                {
                    "text": b["text"],
                    "data": b.get("callback_data"),
                    "url": b.get("url"),
                    "web_app": b.get("web_app", {}).get("url"),
                }
                for b in row
            ]
            for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        ],
    }
    if message.get("photo"):
        shown["photo"] = f"/api/file/{message['photo'][-1]['file_id']}"
    if document := message.get("document"):
        name = document.get("file_name") or "file"
        url = f"/api/file/{document['file_id']}?name={quote(name)}"
        shown["document"] = {"name": name, "url": url}
    return shown
