"""The demo's chat page: a web page that looks and works like a Telegram chat, on loopback.

The page (static/index.html) switches between the demo people, sends text, commands and
photos as them, presses inline buttons and shows what the bot sent — text, photos and
documents, downloadable — in the order sent, updated live by long polling ``/api/chat``.
Everything goes through the local Bot API (bot.localapi), so the bot sees real updates.
"""

from __future__ import annotations

import mimetypes
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.demo.people import PEOPLE, DemoPerson
from bot.localapi import FakeTelegram, JsonDict

LONG_POLL_SECONDS = 20.0
MAX_UPLOAD = 10 * 1024 * 1024
PAGE = files("bot.demo").joinpath("static/index.html")


class ChatPage:
    """The page's HTTP side: the people, their chats, and what they send."""

    def __init__(self, fake: FakeTelegram, lang: str, title: str) -> None:
        self.fake = fake
        self.lang = lang
        self.title = title
        self.people = {person.key: person for person in PEOPLE}

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_get("/", self.index)
        app.router.add_get("/api/people", self.list_people)
        app.router.add_get("/api/chat/{person}", self.chat)
        app.router.add_post("/api/chat/{person}/text", self.send_text)
        app.router.add_post("/api/chat/{person}/press", self.press)
        app.router.add_post("/api/chat/{person}/photo", self.send_photo)
        app.router.add_get("/api/file/{file_id}", self.file)
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
                    {"key": p.key, "name": p.name(self.lang), "role": p.role.value} for p in PEOPLE
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
        return web.json_response({"version": self.fake.version, "messages": messages})

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
            [{"text": b["text"], "data": b.get("callback_data"), "url": b.get("url")} for b in row]
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
