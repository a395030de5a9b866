"""Bot API calls as JSON bodies (bot.telegram_http.JsonRequest), uploads as PTB sends them.

A small HTTP server on loopback records each request as it arrived (content type, body) and
answers as the Bot API does; the requests go through python-telegram-bot's own ``post``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram_http import JsonRequest

CONFIRMATION = "✅ 已记录 #6：迟到 — 15 至 30 分钟\n👤 张三\n💰 扣 0.5 分"


@dataclass
class Arrived:
    content_type: str
    body: bytes


@dataclass
class Server:
    url: str
    arrived: list[Arrived]
    delay: float = 0.0


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    arrived: list[Arrived] = []
    found = Server("", arrived)

    async def answer(request: web.Request) -> web.Response:
        arrived.append(Arrived(request.content_type, await request.read()))
        await asyncio.sleep(found.delay)
        return web.json_response({"ok": True, "result": {"message_id": 1}})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    found.url = f"http://127.0.0.1:{port}/bot123:abc/sendMessage"
    yield found
    await runner.cleanup()


@pytest.fixture
async def request_() -> AsyncIterator[JsonRequest]:
    request = JsonRequest(2, read_timeout=2)
    await request.initialize()
    yield request
    await request.shutdown()


def _data(**parameters: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in parameters.items()])


async def test_a_call_without_files_is_one_json_object_with_its_objects_as_objects(
    server: Server, request_: JsonRequest
) -> None:
    undo = InlineKeyboardMarkup([[InlineKeyboardButton("↩️ 撤销", callback_data="undo:6")]])
    result = await request_.post(
        server.url, _data(chat_id=7001, text=CONFIRMATION, reply_markup=undo)
    )
    assert result == {"message_id": 1}
    (arrived,) = server.arrived
    assert arrived.content_type == "application/json"
    assert json.loads(arrived.body) == {
        "chat_id": 7001,
        "text": CONFIRMATION,
        "reply_markup": {"inline_keyboard": [[{"text": "↩️ 撤销", "callback_data": "undo:6"}]]},
    }
    assert "👤 张三".encode() in arrived.body and b"\\u" not in arrived.body  # UTF-8 as is


async def test_a_call_with_a_file_stays_multipart(server: Server, request_: JsonRequest) -> None:
    table = InputFile(b"PK\x03\x04 a spreadsheet", filename="haidian-2026-07.xlsx")
    await request_.post(server.url, _data(chat_id=7001, document=table, caption="2026-07"))
    (arrived,) = server.arrived
    assert arrived.content_type == "multipart/form-data"
    assert b"haidian-2026-07.xlsx" in arrived.body and b"a spreadsheet" in arrived.body


async def test_no_answer_in_time_is_timed_out_and_a_refused_connection_a_network_error(
    server: Server, request_: JsonRequest
) -> None:
    server.delay = 1.0
    with pytest.raises(TimedOut):
        await request_.post(server.url, _data(chat_id=7001, text="x"), read_timeout=0.1)
    closed = server.url.replace(server.url.split("/")[2], "127.0.0.1:9")  # nothing listens
    with pytest.raises(NetworkError, match=r"httpx\.ConnectError"):
        await request_.post(closed, _data(chat_id=7001, text="x"))


async def test_a_full_connection_pool_says_so(server: Server) -> None:
    request = JsonRequest(1, read_timeout=2, pool_timeout=0.05)
    await request.initialize()
    server.delay = 0.5
    calls = [request.post(server.url, _data(chat_id=7001, text=str(n))) for n in range(2)]
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    await request.shutdown()
    refused = [o for o in outcomes if isinstance(o, TimedOut)]
    assert len(refused) == 1 and "Pool timeout" in str(refused[0])
    assert {"message_id": 1} in outcomes
