"""The Mini App's API over real HTTP, served by the bot's own server beside the running bot:
launch data as Telegram signs it (forged, expired, replayed), the same permission table as the
chat (a vendor lead of another contract is refused), evidence only after the finding's check,
and a dispute and its decision with the chat told as from the chat side."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import socket
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from sqlmodel import col, select

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.app.serving import HttpListener, Polling, serve
from bot.services.webapp_auth import sign_init_data
from scoring.rulebook import Rulebook
from storage.models import Dispute, Entry, EntryAction
from tests.bot.conftest import Running, _pg_execute, _pg_url, bot_settings
from tests.bot.world import INSPECTOR, MANAGER, STRANGER, VENDOR, A, B
from tests.fakebot import TOKEN, FakeTelegram, FakeUser
from tests.vendor.conftest import seed_vendors
from tests.vendor.world import MANAGER_B, VENDOR_B, finding

PHOTO = b"\xff\xd8\xff\xe0" + b"evidence" * 64  # JPEG's magic, then anything
DISPUTE_PHOTO = b"\x89PNG\r\n\x1a\n" + b"counter-evidence" * 32


class App:
    """The Mini App as a phone opens it: signed launch data, JSON answers."""

    def __init__(self, running: Running, base: str, http: aiohttp.ClientSession) -> None:
        self.running = running
        self.base = base
        self.http = http

    def launch(self, user: FakeUser, *, at: dt.datetime | None = None) -> str:
        moment = at or self.running.clock.now()
        fields = {
            "auth_date": str(int(moment.timestamp())),
            "query_id": "AAE" + uuid.uuid4().hex[:12],
            "user": json.dumps(
                {"id": user.id, "first_name": user.first_name, "language_code": "zh"}
            ),
        }
        return sign_init_data(fields, TOKEN)

    async def get(
        self, user: FakeUser | None, path: str, *, init: str | None = None, **query: str
    ) -> tuple[int, Any]:
        headers = _auth(init or (self.launch(user) if user else None))
        async with self.http.get(f"{self.base}{path}", headers=headers, params=query) as reply:
            body = await reply.read()
            kind = reply.content_type
            return reply.status, json.loads(body) if kind == "application/json" else body

    async def post(
        self,
        user: FakeUser,
        path: str,
        *,
        init: str | None = None,
        request_id: str | None = "",
        **payload: Any,
    ) -> tuple[int, Any]:
        headers = _auth(init or self.launch(user))
        if request_id is not None:
            headers["X-Request-Id"] = request_id or uuid.uuid4().hex
        form: aiohttp.FormData | None = None
        if "photo" in payload or ("reason" in payload and "outcome" not in payload):
            form = aiohttp.FormData()
            for name, value in payload.items():
                if isinstance(value, bytes):
                    form.add_field(name, value, filename="p.jpg", content_type="image/jpeg")
                else:
                    form.add_field(name, value)
            sent = self.http.post(f"{self.base}{path}", headers=headers, data=form)
        else:
            sent = self.http.post(f"{self.base}{path}", headers=headers, json=payload)
        async with sent as reply:
            return reply.status, await reply.json()


def _saying(words: str) -> Any:
    return lambda message: words in (message.get("text") or message.get("caption") or "")


def _auth(init: str | None) -> dict[str, str]:
    return {"Authorization": f"tma {init}"} if init is not None else {}


@contextlib.asynccontextmanager
async def _served(
    fake: FakeTelegram, database_url: str, clock: OffsetClock, rulebooks: dict[str, Rulebook]
) -> AsyncIterator[App]:
    """The bot served as ``floorbot run`` serves it, with the Mini App on a loopback port."""
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/app/"
    settings = bot_settings(fake, database_url, webapp_url=base)
    services = build_services(settings, clock, rulebooks)
    await seed_vendors(services, fake)
    bot_app = build_application(services)
    stop = asyncio.Event()
    listener = HttpListener("127.0.0.1", port, sock)
    task = asyncio.create_task(
        serve(bot_app, Polling(1), listener=listener, max_concurrent=8, stop=stop)
    )
    try:
        await fake.wait_for_call("getUpdates", timeout=30)
        async with aiohttp.ClientSession() as http:
            yield App(Running(bot_app, services, fake, clock), base + "api", http)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        sock.close()


@pytest.fixture
async def app(
    fake_telegram: FakeTelegram,
    database_url: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> AsyncIterator[App]:
    async with _served(fake_telegram, database_url, clock, rulebooks) as served:
        yield served


@pytest.fixture
async def pg_app(
    fake_telegram: FakeTelegram,
    pg_template: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> AsyncIterator[App]:
    """The same on a fresh PostgreSQL database."""
    name = f"floorbot_app_{uuid.uuid4().hex[:10]}"
    await _pg_execute(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
    try:
        async with _served(fake_telegram, _pg_url(name), clock, rulebooks) as served:
            yield served
    finally:
        await _pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def _score(app: App, user: FakeUser, contract: str = A) -> Decimal:
    status, body = await app.get(user, f"/contracts/{contract}/assessment")
    assert status == 200, body
    return Decimal(body["assessment"]["score"])


# -- who may open it ---------------------------------------------------------------------------


async def test_me_lists_the_users_own_contracts_and_the_pages_texts(app: App) -> None:
    status, me = await app.get(VENDOR, "/me")
    assert status == 200
    assert [(c["id"], c["roles"]) for c in me["contracts"]] == [(A, ["vendor_lead"])]
    assert me["contracts"][0]["current_period"] == "2026-07"
    assert me["contracts"][0]["periods"][-1] == "2026-07"
    assert all(key.startswith("app_") for key in me["texts"])

    status, stranger = await app.get(STRANGER, "/me")
    assert status == 200 and stranger["contracts"] == []


async def test_after_the_term_the_periods_end_with_its_last_month(app: App) -> None:
    app.running.clock.set(dt.datetime(2027, 8, 20, 10, 0, tzinfo=dt.UTC))
    _, me = await app.get(VENDOR, "/me")
    [contract] = me["contracts"]
    assert contract["current_period"] == "2027-06"  # the term ends on 16 June 2027
    assert contract["periods"][0] == "2026-06" and contract["periods"][-1] == "2027-06"
    assert len(contract["periods"]) == 13


async def test_forged_missing_and_expired_launch_data_are_refused(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    genuine = app.launch(VENDOR)
    forged = genuine.replace(str(VENDOR.id), str(MANAGER.id))  # another user, the same hash
    status, body = await app.get(None, "/me", init=forged)
    assert (status, body["error"]) == (401, "launch_forged")
    assert "签名不正确" in body["message"]

    status, body = await app.get(None, "/me")
    assert (status, body["error"]) == (401, "launch_missing")

    old = app.launch(VENDOR, at=app.running.clock.now() - dt.timedelta(days=1, minutes=1))
    status, body = await app.get(None, "/me", init=old)
    assert (status, body["error"]) == (401, "launch_expired")

    # Launch data captured once is refused again once its day is over.
    app.running.clock.advance(dt.timedelta(days=1, minutes=1))
    status, body = await app.get(None, "/me", init=genuine)
    assert (status, body["error"]) == (401, "launch_expired")
    assert all(
        genuine not in r.getMessage() and TOKEN not in r.getMessage() for r in caplog.records
    )


async def test_a_vendor_lead_of_another_contract_sees_nothing_of_this_one(app: App) -> None:
    entry = await finding(app.running, A, "dress_code", photos=[PHOTO])
    assert (await app.get(VENDOR_B, f"/contracts/{A}/assessment"))[0] == 403
    assert (await app.get(VENDOR_B, f"/contracts/{A}/deductions"))[0] == 403
    assert (await app.get(VENDOR_B, f"/contracts/{A}/trend"))[0] == 403
    status, body = await app.get(VENDOR_B, f"/findings/{entry}")
    assert (status, body["error"]) == (404, "entry_unknown")
    status, body = await app.get(VENDOR_B, f"/findings/{entry}/evidence/0")
    assert status == 404 and body["error"] == "entry_unknown"
    status, body = await app.post(VENDOR_B, f"/findings/{entry}/dispute", reason="不是我们的人")
    assert status in (403, 404), body
    assert (await app.get(VENDOR_B, f"/contracts/{B}/assessment"))[0] == 200


async def test_evidence_is_served_to_the_contracts_people_only(app: App) -> None:
    entry = await finding(app.running, A, "dress_code", photos=[PHOTO])
    status, detail = await app.get(VENDOR, f"/findings/{entry}")
    assert status == 200 and detail["evidence"] == [f"/app/api/findings/{entry}/evidence/0"]
    status, photo = await app.get(VENDOR, f"/findings/{entry}/evidence/0")
    assert (status, photo) == (200, PHOTO)
    assert (await app.get(VENDOR, f"/findings/{entry}/evidence/1"))[0] == 404
    assert (await app.get(MANAGER_B, f"/findings/{entry}/evidence/0"))[0] == 404
    status, body = await app.get(STRANGER, f"/findings/{entry}/evidence/0")
    assert (status, body["error"]) == (403, "not_registered")


# -- what it shows -------------------------------------------------------------------------------


async def test_the_assessment_is_the_scores_own_figures(app: App) -> None:
    before = await _score(app, MANAGER)
    entry = await finding(app.running, A, "dress_code")
    _, detail = await app.get(MANAGER, f"/findings/{entry}")
    points = Decimal(detail["finding"]["points"])
    assert points > 0
    status, body = await app.get(MANAGER, f"/contracts/{A}/assessment", period="2026-07")
    assert status == 200
    assert Decimal(body["assessment"]["score"]) == before - points
    [line] = [ln for ln in body["assessment"]["lines"] if ln["code"] == "dress_code"]
    assert (line["count"], Decimal(line["points"])) == (1, points)
    assert body["title"]["zh"] and body["period"] == "2026-07" and body["final"] is False
    status, body = await app.get(MANAGER, f"/contracts/{A}/assessment", period="2026-13")
    assert (status, body["error"]) == (400, "bad_period")


async def test_deductions_filter_by_staff_and_item(app: App) -> None:
    await finding(app.running, A, "dress_code", staff="张三")
    await finding(app.running, A, "dress_code", staff="李四")
    await finding(app.running, A, "missed_handover", staff="李四")
    status, every = await app.get(VENDOR, f"/contracts/{A}/deductions")
    assert status == 200 and len(every["findings"]) == 3
    assert every["filters"]["staff"] == ["张三", "李四"]
    _, only = await app.get(VENDOR, f"/contracts/{A}/deductions", staff="李四", item="dress_code")
    assert [(f["staff"], f["item"]["code"]) for f in only["findings"]] == [("李四", "dress_code")]
    assert len(only["filters"]["staff"]) == 2  # the choices stay those of the whole period


async def test_the_trend_and_its_chart(app: App) -> None:
    await finding(app.running, A, "dress_code")
    status, trend = await app.get(MANAGER, f"/contracts/{A}/trend")
    assert status == 200 and trend["scores"][-1]["period"] == "2026-07"
    assert trend["lines"] and trend["chart"] == f"/app/api/contracts/{A}/trend.png"
    status, png = await app.get(MANAGER, f"/contracts/{A}/trend.png")
    assert status == 200 and png.startswith(b"\x89PNG")


# -- a dispute and its decision -------------------------------------------------------------


async def test_a_dispute_then_its_decision_from_the_app(app: App) -> None:
    await _dispute_then_decision(app)


async def test_a_dispute_then_its_decision_from_the_app_on_postgresql(pg_app: App) -> None:
    await _dispute_then_decision(pg_app)


async def _dispute_then_decision(app: App) -> None:
    running = app.running
    before = await _score(app, VENDOR)
    entry = await finding(running, A, "dress_code", photos=[PHOTO])
    request_id, launch = uuid.uuid4().hex, app.launch(VENDOR)
    status, opened = await app.post(
        VENDOR,
        f"/findings/{entry}/dispute",
        init=launch,
        request_id=request_id,
        reason="当天工服送洗，已报备",
        photo=DISPUTE_PHOTO,
    )
    assert status == 200, opened
    assert opened["dispute"]["status"] == "open" and "#" in opened["message"]
    # The manager is told in chat as when the dispute comes from the chat side.
    card = await running.fake.wait_for_message(MANAGER.id, _saying("当天工服送洗"))
    assert card["reply_markup"]["inline_keyboard"]
    # A replay of the same request does nothing twice; a new one meets the dispute's own rule.
    status, again = await app.post(
        VENDOR, f"/findings/{entry}/dispute", init=launch, request_id=request_id, reason="再来"
    )
    assert (status, again["error"]) == (409, "request_repeated")
    status, again = await app.post(VENDOR, f"/findings/{entry}/dispute", reason="再来")
    assert (status, again["error"]) == (409, "already_disputed")
    async with running.services.sessions() as session:
        disputes = (await session.exec(select(Dispute))).all()
    assert len(disputes) == 1
    dispute_id = disputes[0].id

    _, detail = await app.get(MANAGER, f"/findings/{entry}")
    assert detail["can_decide"] and detail["finding"]["state"] == "disputed"
    status, photo = await app.get(MANAGER, f"/findings/{entry}/dispute-photos/0")
    assert (status, photo) == (200, DISPUTE_PHOTO)

    status, refused = await app.post(
        VENDOR, f"/disputes/{dispute_id}/decision", outcome="withdraw", reason="自己撤"
    )
    assert (status, refused["error"]) == (403, "forbidden_decide")
    status, missing = await app.post(
        MANAGER, f"/disputes/{dispute_id}/decision", request_id=None, outcome="withdraw"
    )
    assert (status, missing["error"]) == (400, "request_id_needed")
    status, decided = await app.post(
        MANAGER, f"/disputes/{dispute_id}/decision", outcome="withdraw", reason="报备属实"
    )
    assert status == 200, decided
    assert decided["decision"]["status"] == "withdrawn" and decided["decision"]["after"] is None
    await running.fake.wait_for_message(VENDOR.id, _saying("报备属实"))
    assert await _score(app, VENDOR) == before

    status, again = await app.post(
        MANAGER, f"/disputes/{dispute_id}/decision", outcome="uphold", reason="再改"
    )
    assert (status, again["error"]) == (409, "already_decided")
    _, detail = await app.get(VENDOR, f"/findings/{entry}")
    assert [step["action"] for step in detail["trail"]] == ["recorded", "state", "state", "void"]
    assert detail["finding"]["dispute"]["status"] == "withdrawn"
    async with running.services.sessions() as session:
        actions = (
            await session.exec(select(EntryAction).where(col(EntryAction.entry_id) == entry))
        ).all()
        assert (await session.get(Entry, entry)) is not None
    assert [a.reason for a in actions][-1] == "报备属实"


async def test_a_reduction_needs_a_lower_figure(app: App) -> None:
    entry = await finding(app.running, A, "dress_code", quantity="2")
    status, _ = await app.post(VENDOR, f"/findings/{entry}/dispute", reason="只有一人")
    assert status == 200
    _, detail = await app.get(MANAGER, f"/findings/{entry}")
    dispute_id = detail["finding"]["dispute"]["id"]
    status, refused = await app.post(
        MANAGER, f"/disputes/{dispute_id}/decision", outcome="reduce", figure="3", reason="多"
    )
    assert (status, refused["error"]) == (400, "not_a_reduction")
    status, refused = await app.post(
        MANAGER, f"/disputes/{dispute_id}/decision", outcome="approve", reason="好"
    )
    assert (status, refused["error"]) == (400, "bad_outcome")
    status, refused = await app.post(MANAGER, "/disputes/abc/decision", outcome="uphold")
    assert (status, refused["error"]) == (404, "dispute_unknown")
    _, still = await app.get(MANAGER, f"/findings/{entry}")
    assert still["finding"]["dispute"]["status"] == "open" and still["finding"]["quantity"] == "2"
    status, decided = await app.post(
        MANAGER, f"/disputes/{dispute_id}/decision", outcome="reduce", figure="1", reason="一人"
    )
    assert status == 200 and decided["decision"]["status"] == "adjusted"
    _, after = await app.get(VENDOR, f"/findings/{entry}")
    assert after["finding"]["quantity"] == "1" and after["finding"]["corrected"]


async def test_a_dispute_out_of_the_rules_is_refused_and_sends_nothing(app: App) -> None:
    entry = await finding(app.running, A, "dress_code", ago=dt.timedelta(days=30))
    photos_before = len(app.running.fake.calls_to("sendPhoto"))
    status, body = await app.post(
        VENDOR, f"/findings/{entry}/dispute", reason="太晚了吗", photo=DISPUTE_PHOTO
    )
    assert (status, body["error"]) == (400, "window_closed")
    recent = await finding(app.running, A, "dress_code")
    status, body = await app.post(
        VENDOR, f"/findings/{recent}/dispute", reason="  ", photo=DISPUTE_PHOTO
    )
    assert (status, body["error"]) == (400, "dispute_usage")
    assert len(app.running.fake.calls_to("sendPhoto")) == photos_before
    assert (await app.get(VENDOR, f"/findings/{recent}"))[1]["finding"]["dispute"] is None
    status, body = await app.post(INSPECTOR, f"/findings/{entry}/dispute", reason="我也有意见")
    assert status == 403 and body["error"] == "forbidden_dispute"
    status, body = await app.post(VENDOR, f"/findings/{entry}/dispute", reason="x", photo=b"GIF89a")
    assert (status, body["error"]) == (400, "not_a_photo")


# -- the way in from the chat ----------------------------------------------------------------


async def test_the_chat_offers_the_table(app: App) -> None:
    running = app.running
    await running.fake.wait_for_call("setChatMenuButton")
    button = running.fake.menu_button(MANAGER.id)
    assert button is not None and button["type"] == "web_app"
    assert button["web_app"]["url"].endswith("/app/")
    assert running.fake.menu_button(STRANGER.id) is None
    reply = await running.say(MANAGER, "/score")
    [[table]] = reply["reply_markup"]["inline_keyboard"]
    assert table["web_app"]["url"].endswith(f"/app/?contract={A}&tab=assessment&period=2026-07")
