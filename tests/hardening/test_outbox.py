"""Confirmations that survive an outage of the Bot API: kept in the outbox, sent once it is back.

The fake Bot API fails every ``sendMessage`` (and ``sendPhoto``) for far longer than the bot's
retries of one call last — with 5xx answers, or by cutting the connection — while
``getUpdates`` works, so reports keep being recorded. Once it is back, every report is
confirmed exactly once, in order in each chat, and its Undo button works for the stated window
counted from when the confirmation arrived; a dispute's and a decision's notices arrive the
same way; and a bot process started afterwards sends what the stopped one could not.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlmodel import col, select

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.localapi.faults import Trouble
from scoring.rulebook import Rulebook
from storage.db import write_session
from storage.models import DeliveryState, OutboxMessage
from tests.bot.conftest import Running, bot_settings, start_bot, stop_bot
from tests.bot.world import INSPECTOR, INSPECTOR_EN, MANAGER, VENDOR, entries
from tests.fakebot import FakeTelegram, FakeUser, JsonDict, buttons
from tests.vendor.conftest import seed_vendors
from tests.vendor.world import MANAGER_2

# Retries of one call stop after about 0.2 s and the outbox tries again at most 0.4 s apart:
# an outage of several seconds outlasts every retry many times over.
QUICK = {
    "api_timeout_seconds": 0.5,
    "api_retries": 1,
    "outbox_poll_seconds": 0.2,
    "outbox_retry_max_seconds": 0.4,
    "digest_retry_seconds": 0.05,
    "digest_chat_interval_seconds": 0.0,
}
OUTAGE_SECONDS = 3.0
WAIT = 15.0
RECORDED = re.compile(r"#(\d+)")


def cut(fake: FakeTelegram, how: str, *methods: str) -> None:
    """Every call of ``methods`` fails (5xx, or the connection cut) until ``restore``."""
    for method in methods:
        if how == "5xx":
            fake.fail_next(method, 502, "Bad Gateway", times=1_000_000)
        else:
            fake.inject_fault(method, Trouble.DROP, times=1_000_000)


def restore(fake: FakeTelegram, *methods: str) -> None:
    for method in methods:
        fake.fail_next(method, 502, "Bad Gateway", times=0)
        fake.inject_fault(method, Trouble.DROP, times=0)


async def started(
    fake: FakeTelegram, url: str, clock: OffsetClock, books: dict[str, Rulebook], *, seed: bool
) -> Running:
    services = build_services(bot_settings(fake, url, **QUICK), clock, books)
    if seed:
        await seed_vendors(services, fake)
    app = build_application(services)
    await start_bot(app)
    return Running(app, services, fake, clock)


@pytest.fixture
async def obot(
    fake_telegram: FakeTelegram,
    database_url: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> AsyncIterator[Running]:
    """The running bot (with the vendor-side people), its outbox tried again quickly."""
    running = await started(fake_telegram, database_url, clock, rulebooks, seed=True)
    try:
        yield running
    finally:
        await stop_bot(running.app)


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + WAIT
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"never: {what}"
        await asyncio.sleep(0.05)


async def outbox(bot: Running) -> list[OutboxMessage]:
    async with bot.services.sessions() as session:
        return list(
            (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
        )


def sent_to(bot: Running, user: FakeUser) -> list[JsonDict]:
    """Every message the bot sent to the user, in the order it arrived."""
    return [e.message for e in bot.fake.events if e.chat_id == user.chat_id and e.kind == "send"]


async def report_during_outage(bot: Running, how: str) -> dict[FakeUser, list[int]]:
    """Two inspectors report twice each while sendMessage fails; their report ids by chat."""
    cut(bot.fake, how, "sendMessage")
    reports = (
        (INSPECTOR, "/late 张三 25"),
        (INSPECTOR_EN, "/dress 王五"),
        (INSPECTOR, "/dress 李四"),
        (INSPECTOR_EN, "/late 李四 30"),
    )
    for number, (user, text) in enumerate(reports, start=1):
        await bot.fake.send_text(user, text)

        async def stored(count: int = number) -> bool:
            return len(await entries(bot.services)) == count

        await until(stored, f"report {number} recorded")
    await asyncio.sleep(OUTAGE_SECONDS)  # retries come and go; nothing gets through
    assert not sent_to(bot, INSPECTOR) and not sent_to(bot, INSPECTOR_EN)
    ids = [row.id for row in await entries(bot.services)]  # in the order they were sent
    return {INSPECTOR: ids[0::2], INSPECTOR_EN: ids[1::2]}


async def confirmed_once_in_order(bot: Running, by_chat: dict[FakeUser, list[int]]) -> None:
    """Each chat gets its reports' confirmations, each once, oldest first, with Undo."""
    for user, ids in by_chat.items():
        for entry_id in ids:
            message = await bot.fake.wait_for_message(
                user.chat_id, lambda m, i=entry_id: f"#{i}" in (m.get("text") or ""), WAIT
            )
            assert len(buttons(message)) == 1  # Undo
    await asyncio.sleep(1.0)  # more rounds: nothing is sent again
    for user, ids in by_chat.items():
        shown = [int(RECORDED.findall(m["text"])[0]) for m in sent_to(bot, user)]
        assert shown == ids
    rows = await outbox(bot)
    assert [r.state for r in rows] == [DeliveryState.SENT.value] * len(rows)
    firsts = {r.chat_id: r for r in reversed(rows)}.values()  # each chat's oldest
    assert all(r.attempts > 2 for r in firsts)  # tried again and again during the outage


@pytest.mark.parametrize("how", ["5xx", "cut"])
async def test_every_report_is_confirmed_once_in_order_after_an_outage_with_a_working_undo(
    obot: Running, how: str
) -> None:
    by_chat = await report_during_outage(obot, how)
    obot.clock.advance(dt.timedelta(minutes=15))  # longer than the 10-minute Undo window
    restore(obot.fake, "sendMessage")
    await confirmed_once_in_order(obot, by_chat)

    first, second = sent_to(obot, INSPECTOR_EN)
    undone = await obot.tap(INSPECTOR_EN, first, "Undo")  # 15 minutes after it was recorded
    assert undone["text"].endswith(
        f"↩️ Report #{by_chat[INSPECTOR_EN][0]} undone (it stays on record, marked void)."
    )
    obot.clock.advance(dt.timedelta(minutes=10, seconds=5))  # the window closes after arrival
    refused = await obot.tap(INSPECTOR_EN, second, "Undo")
    assert refused["text"] == (
        f"Report #{by_chat[INSPECTOR_EN][1]} is more than 10 minutes old and cannot be undone; "
        "ask a manager to correct it."
    )


async def test_a_bot_started_after_the_outage_sends_what_the_stopped_one_could_not(
    fake_telegram: FakeTelegram,
    database_url: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> None:
    first = await started(fake_telegram, database_url, clock, rulebooks, seed=True)
    try:
        by_chat = await report_during_outage(first, "5xx")
    finally:
        await stop_bot(first.app)
    second = await started(fake_telegram, database_url, clock, rulebooks, seed=False)
    try:
        assert DeliveryState.SENT.value not in {r.state for r in await outbox(second)}
        restore(fake_telegram, "sendMessage")
        await confirmed_once_in_order(second, by_chat)
        message = sent_to(second, INSPECTOR)[0]
        undone = await second.tap(INSPECTOR, message, "撤销")
        assert "已撤销" in undone["text"]
    finally:
        await stop_bot(second.app)


async def test_a_dispute_and_its_decision_reach_everyone_once_after_an_outage(
    obot: Running,
) -> None:
    await obot.fake.send_photo(INSPECTOR, b"clock-in screen" * 40, caption="/late 张三 75")
    entry_id = int(RECORDED.findall((await obot.next(INSPECTOR))["text"])[0])
    sending = ("sendMessage", "sendPhoto")

    cut(obot.fake, "5xx", *sending)
    await obot.fake.send_text(VENDOR, f"/dispute {entry_id} 打卡记录显示8:25到岗")
    await until(lambda: _kept(obot, "dispute", 2), "the dispute's notices kept")
    await asyncio.sleep(OUTAGE_SECONDS)
    assert not sent_to(obot, MANAGER) and not sent_to(obot, MANAGER_2)
    restore(obot.fake, *sending)
    for manager in (MANAGER, MANAGER_2):
        card, photo = (await obot.next(manager, WAIT), await obot.next(manager, WAIT))
        assert "#1" in card["text"] and len(buttons(card)) == 3  # Uphold, Withdraw, Reduce
        assert "photo" in photo  # the inspector's evidence, after the card
    await asyncio.sleep(1.0)
    assert len(sent_to(obot, MANAGER)) == len(sent_to(obot, MANAGER_2)) == 2

    card = sent_to(obot, MANAGER)[0]
    await obot.tap(MANAGER, card, "撤回")
    cut(obot.fake, "5xx", "sendMessage")
    await obot.fake.send_text(MANAGER, "考勤机记录属实，撤回")
    await until(lambda: _kept(obot, "decision", 2), "the decision's notices kept")
    await asyncio.sleep(OUTAGE_SECONDS)
    told_before = len(sent_to(obot, VENDOR)), len(sent_to(obot, INSPECTOR))
    restore(obot.fake, "sendMessage")
    vendor = await obot.fake.wait_for_message(VENDOR.chat_id, _has("已处理"), WAIT)
    assert vendor["text"].startswith(f"⚖️ 您对报告 #{entry_id}（迟到）的异议 #1 已处理：撤回。")
    await obot.fake.wait_for_message(INSPECTOR.chat_id, _has("被提出异议"), WAIT)
    await asyncio.sleep(1.0)
    told_after = len(sent_to(obot, VENDOR)), len(sent_to(obot, INSPECTOR))
    assert (told_after[0] - told_before[0], told_after[1] - told_before[1]) == (1, 1)


def _has(needle: str) -> Callable[[JsonDict], bool]:
    return lambda m: needle in (m.get("text") or "")


async def _kept(bot: Running, kind: str, count: int) -> bool:
    return len([r for r in await outbox(bot) if r.kind == kind]) == count


async def test_a_send_cut_off_by_a_dead_process_is_sent_again_and_a_live_one_is_left(
    obot: Running,
) -> None:
    """Two messages claimed by other processes: one whose claim is older than
    FLOORBOT_OUTBOX_STALE_SECONDS (its sender died mid-send) is sent again, once; one claimed
    a moment ago (its sender is sending it) is left to its sender."""
    now = obot.clock.now()
    stale = dt.timedelta(seconds=obot.services.settings.outbox_stale_seconds)
    obot.fake.know(INSPECTOR)
    obot.fake.know(INSPECTOR_EN)
    async with write_session(obot.services.sessions) as session:
        for chat, text, claimed_at in (
            (INSPECTOR.chat_id, "owed by a process that died", now - stale - dt.timedelta(1)),
            (INSPECTOR_EN.chat_id, "being sent by a live process", now),
        ):
            session.add(
                OutboxMessage(
                    chat_id=chat,
                    kind="confirmation",
                    text=text,
                    created_at=now - stale * 2,
                    state=DeliveryState.SENDING.value,
                    attempts=1,
                    claim="other-process",
                    claimed_at=claimed_at,
                )
            )
    resent = await obot.fake.wait_for_message(INSPECTOR.chat_id, timeout=WAIT)
    assert resent["text"] == "owed by a process that died"
    await obot.fake.expect_silence(INSPECTOR.chat_id, within=1.0)
    await obot.fake.expect_silence(INSPECTOR_EN.chat_id, within=0.1)
    rows = {row.text: row for row in await outbox(obot)}
    assert rows["owed by a process that died"].state == DeliveryState.SENT.value
    assert rows["being sent by a live process"].state == DeliveryState.SENDING.value
    assert rows["being sent by a live process"].claim == "other-process"


async def test_a_guided_report_confirmed_during_an_outage_is_confirmed_once_afterwards(
    obot: Running,
) -> None:
    card = await obot.say(INSPECTOR, "/report")
    items = await obot.tap(INSPECTOR, card, "工作纪律")
    staff = await obot.tap(INSPECTOR, items, "未按规定着装")
    photo = await obot.tap(INSPECTOR, staff, "王五")
    summary = await obot.tap(INSPECTOR, photo, "跳过")
    obot.fake.skip_to_end(INSPECTOR.chat_id)
    cut(obot.fake, "5xx", "sendMessage")
    await obot.fake.press_button(INSPECTOR, summary, "确认")

    async def recorded() -> bool:
        return len(await entries(obot.services)) == 1

    await until(recorded, "the guided report recorded")
    await asyncio.sleep(OUTAGE_SECONDS)
    assert not [m for m in sent_to(obot, INSPECTOR) if m["text"].startswith("✅")]
    restore(obot.fake, "sendMessage")
    [row] = await entries(obot.services)
    confirmation = await obot.fake.wait_for_message(
        INSPECTOR.chat_id, lambda m: m.get("text", "").startswith(f"✅ 已记录 #{row.id}"), WAIT
    )
    assert buttons(confirmation) == ["↩️ 撤销"]
    await asyncio.sleep(1.0)  # more rounds: nothing is sent again
    assert [m for m in sent_to(obot, INSPECTOR) if m["text"].startswith("✅")] == [confirmation]
    undone = await obot.tap(INSPECTOR, confirmation, "撤销")
    assert undone["text"].endswith(f"↩️ 报告 #{row.id} 已撤销（作废记录保留备查）。")
