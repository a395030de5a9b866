"""Disputes and decisions in progress live in the database, not in one process's memory: the
next message may reach another bot process, or the same one after a restart, and the
conversation goes on; /cancel, a refusal and the conversation timeout end it.

Points from haidian-dispatch-2026 (001) 附件二 第四章 三、1: late under 1 hour 0.1, from 60
minutes 0.5; 二、: dress code 0.1 per person.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import pytest

from bot.app.builder import build_application, build_services
from bot.app.clock import OffsetClock
from bot.app.serving import Webhook
from handlers.state import sweep
from scoring.rulebook import Rulebook
from storage import state_queries as sq
from tests.bot.conftest import _pg_execute, _pg_url, bot_settings, start_bot, stop_bot
from tests.bot.world import MANAGER, TZ, VENDOR, A
from tests.fakebot import FakeTelegram
from tests.hardening.procs import free_port
from tests.hardening.proxy import RoundRobin
from tests.hardening.serving import served
from tests.vendor.conftest import Running, seed_vendors
from tests.vendor.world import audit_actions, card, disputes, finding, fresh, next_text

HINT = "发送 /help 查看可用的命令"
TIMEOUT = dt.timedelta(minutes=31)  # the conversation timeout (30 minutes) has passed


# -- two bot processes on one database --------------------------------------------------------


@dataclass
class Pair:
    """Two Applications serving one webhook behind a round-robin proxy, on one database."""

    bot: Running  # either one: users talk to both through the proxy
    proxy: RoundRobin

    def served_since(self, start: int) -> list[int]:
        return self.proxy.served[start:]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest, database_url: str) -> Iterator[str]:
    """The database both processes use: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield database_url
        return
    template = request.getfixturevalue("pg_template")  # skips without FLOORBOT_TEST_POSTGRES_URL
    name = f"floorbot_vstate_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_execute(f"CREATE DATABASE {name} TEMPLATE {template}"))
    try:
        yield _pg_url(name)
    finally:
        asyncio.run(_pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@pytest.fixture
async def pair(
    fake_telegram: FakeTelegram,
    shared_url: str,
    clock: OffsetClock,
    rulebooks: dict[str, Rulebook],
) -> AsyncIterator[Pair]:
    url = shared_url
    services = build_services(bot_settings(fake_telegram, url), clock, rulebooks)
    await seed_vendors(services, fake_telegram)
    await services.engine.dispose()
    ports = [free_port(), free_port()]
    proxy = await RoundRobin([f"http://127.0.0.1:{p}" for p in ports]).start()
    try:
        async with AsyncExitStack() as stack:
            bots = [
                await stack.enter_async_context(
                    served(
                        fake_telegram,
                        url,
                        clock,
                        rulebooks,
                        mode=Webhook(proxy.url("hook"), "hook", "127.0.0.1", port, None),
                        seeded=True,
                    )
                )
                for port in ports
            ]
            await fake_telegram.wait_for_call(
                "setWebhook", lambda _: len(fake_telegram.calls_to("setWebhook")) == 2
            )
            yield Pair(bots[0], proxy)
    finally:
        await proxy.stop()


async def test_a_dispute_goes_on_whichever_process_gets_the_next_message(pair: Pair) -> None:
    bot = pair.bot
    entry_id = await finding(bot, A, "dress_code")
    start = len(pair.proxy.served)
    prompt = await bot.say(VENDOR, f"/dispute {entry_id}")
    assert prompt["text"].startswith(f"对报告 #{entry_id}（未按规定着装）提出异议：请输入理由")
    opened = await bot.say(VENDOR, "当天穿的是新工装")
    assert opened["text"].startswith(
        f"⚖️ 已提交异议 #1：报告 #{entry_id}（未按规定着装）。已通知 2 位甲方管理人员。"
    )
    more = await bot.photo(VENDOR, b"uniform ok" * 50)
    assert more["text"] == "📷 已为异议 #1 添加 1 张照片，并转给管理人员。"
    done = await bot.tap(VENDOR, opened, "完成")
    assert done["text"] == "好的。处理结果会在这里通知您。"
    assert pair.served_since(start) in ([0, 1, 0, 1], [1, 0, 1, 0])  # each step elsewhere
    [dispute] = await disputes(bot)
    assert (dispute.entry_id, dispute.reason) == (entry_id, "当天穿的是新工装")
    assert await audit_actions(bot, "dispute:1") == ["dispute.open", "dispute.photo"]
    hint = await bot.photo(VENDOR, b"later" * 50)  # the dispute has ended on both processes
    assert "异议" not in hint["text"]


async def test_a_decision_goes_on_whichever_process_gets_the_reason(pair: Pair) -> None:
    bot = pair.bot
    entry_id = await finding(bot, A, "late_arrival", value="75")
    await bot.say(VENDOR, f"/dispute {entry_id} 只迟到了25分钟")
    shown = await card(bot, MANAGER)
    start = len(pair.proxy.served)
    prompt = await bot.tap(MANAGER, shown, "减扣")
    assert prompt["text"].startswith("异议 #1：减扣。当前：迟到分钟数 75 → 扣 0.5 分。")
    same_band = await bot.say(MANAGER, "90 还是超过一小时")  # refused: asked again
    assert same_band["text"] == "这不是减扣：现为 0.5，改后为 0.5。要维持原扣分请点“维持扣分”。"
    decided = await bot.say(MANAGER, "25 打卡记录核实为8:25")
    # 三、1: 25 minutes is under 1 hour → 0.1 instead of 0.5.
    assert decided["text"].startswith("✅ 异议 #1 已处理：减扣。扣 0.5 分 → 扣 0.1 分。")
    assert pair.served_since(start) in ([0, 1, 0], [1, 0, 1])
    notice = await next_text(bot, VENDOR, "已处理")
    assert "理由：打卡记录核实为8:25" in notice["text"]
    [dispute] = await disputes(bot)
    assert (dispute.status, dispute.resolution) == ("adjusted", "打卡记录核实为8:25")
    score = await fresh(bot, VENDOR, "/score")
    assert "得分：99.9 / 100" in score["text"]


# -- a restart in the middle ------------------------------------------------------------------


@asynccontextmanager
async def restarted(bot: Running) -> AsyncIterator[Running]:
    """Stop the bot (its memory goes with it) and start a new one on the same database."""
    await stop_bot(bot.app)
    services = build_services(bot.services.settings, bot.clock, bot.services.rulebooks)
    app = build_application(services)
    await start_bot(app)
    try:
        yield Running(app, services, bot.fake, bot.clock)
    finally:
        await stop_bot(app)


async def _state_rows(bot: Running) -> int:
    """Conversation state rows, expired or not."""
    async with bot.services.sessions() as session:
        far = bot.clock.now() + dt.timedelta(days=3650)
        return len(await sq.expired(session=session, now=far, limit=1000))


async def test_a_dispute_and_its_decision_survive_restarts(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code")
    prompt = await vbot.say(VENDOR, f"/dispute {entry_id}")
    assert "请输入理由" in prompt["text"]
    async with restarted(vbot) as second:
        opened = await second.say(VENDOR, "当天穿的是新工装")  # taken as the reason
        assert opened["text"].startswith(f"⚖️ 已提交异议 #1：报告 #{entry_id}")
        shown = await card(second, MANAGER)
        prompt = await second.tap(MANAGER, shown, "撤回")
        assert prompt["text"].startswith("异议 #1：撤回。请输入理由")
        async with restarted(second) as third:
            more = await third.photo(VENDOR, b"uniform ok" * 50)  # still taking photos
            assert more["text"] == "📷 已为异议 #1 添加 1 张照片，并转给管理人员。"
            decided = await fresh(third, MANAGER, "新工装符合规定，撤回")  # taken as the reason
            assert decided["text"].startswith("✅ 异议 #1 已处理：撤回。")
            stopped = await fresh(third, VENDOR, "/cancel")
            assert stopped["text"] == "好的。处理结果会在这里通知您。"
            [dispute] = await disputes(third)
            assert (dispute.status, dispute.reason) == ("withdrawn", "当天穿的是新工装")
            assert await audit_actions(third, "dispute:1") == [
                "dispute.open",
                "dispute.photo",
                "dispute.decide",
            ]
            assert await _state_rows(third) == 0


# -- ending: /cancel, a refusal, the timeout --------------------------------------------------


async def test_cancel_in_the_middle_ends_the_dispute_or_the_decision(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code")
    await vbot.say(VENDOR, f"/dispute {entry_id}")
    cancelled = await vbot.say(VENDOR, "/cancel")
    assert cancelled["text"] == "已取消，没有记录任何内容。"
    hint = await vbot.say(VENDOR, "当天穿的是新工装")  # no longer taken as the reason
    assert hint["text"].startswith(HINT)
    nothing = await vbot.say(VENDOR, "/cancel")
    assert nothing["text"] == "当前没有进行中的操作。"
    assert await disputes(vbot) == []

    await vbot.say(VENDOR, f"/dispute {entry_id} 着装合规")
    stopped = await vbot.say(VENDOR, "/cancel")  # sent already: only the photos stop
    assert stopped["text"] == "好的。处理结果会在这里通知您。"
    photo_hint = await vbot.photo(VENDOR, b"later" * 50)
    assert "异议" not in photo_hint["text"]

    await vbot.tap(MANAGER, await card(vbot, MANAGER), "撤回")
    kept_open = await vbot.say(MANAGER, "/cancel")
    assert kept_open["text"] == "已取消，异议仍待处理。"
    hint = await vbot.say(MANAGER, "记录有误")  # no longer taken as the reason
    assert hint["text"].startswith(HINT)
    assert [d.status for d in await disputes(vbot)] == ["open"]
    assert await _state_rows(vbot) == 0


async def test_a_refused_reason_ends_the_dispute(vbot: Running) -> None:
    # Recorded on Wednesday 15 July at 09:30: the window ends on Monday 20 July at 24:00.
    entry_id = await finding(vbot, A, "dress_code")
    vbot.clock.set(dt.datetime(2026, 7, 20, 23, 50, tzinfo=TZ))
    await vbot.say(VENDOR, f"/dispute {entry_id}")
    vbot.clock.set(dt.datetime(2026, 7, 21, 0, 0, 1, tzinfo=TZ))
    refused = await vbot.say(VENDOR, "着装符合规定")
    assert refused["text"].startswith(f"报告 #{entry_id} 的异议期已于 2026-07-20 24:00 结束")
    hint = await vbot.say(VENDOR, "着装符合规定")  # not refused again: the dispute has ended
    assert hint["text"].startswith(HINT)
    assert await disputes(vbot) == []
    assert await _state_rows(vbot) == 0


async def test_a_dispute_or_decision_left_alone_expires(vbot: Running) -> None:
    entry_id = await finding(vbot, A, "dress_code", ago=dt.timedelta(minutes=60))
    other = await finding(vbot, A, "dress_code", staff="李四")
    await vbot.say(VENDOR, f"/dispute {entry_id} 着装合规")
    await vbot.tap(MANAGER, await card(vbot, MANAGER), "维持")
    await vbot.say(VENDOR, f"/dispute {other}")
    vbot.clock.advance(TIMEOUT)
    hint = await vbot.say(VENDOR, "着装合规")
    assert hint["text"].startswith(HINT)
    hint = await vbot.say(MANAGER, "当日着装不合规")
    assert hint["text"].startswith(HINT)
    assert [d.status for d in await disputes(vbot)] == ["open"]
    assert await _state_rows(vbot) == 2  # the vendor lead's dispute and the manager's decision
    assert vbot.app.job_queue is not None
    vbot.app.job_queue.run_once(sweep, 0)  # the clean-up job (on the leading process)
    for _ in range(50):
        if await _state_rows(vbot) == 0:
            break
        await asyncio.sleep(0.05)
    assert await _state_rows(vbot) == 0
