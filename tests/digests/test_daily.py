"""The daily digest: at the contract's local time, once, late after downtime, one combined
message for a manager of two contracts, a quiet day in one line.

Both contracts use 001 (haidian): 100 minus deductions; late under an hour costs 0.1 per
person (附件二 第四章 三、1), a missed handover 0.1 per ticket, dress code 0.1 per person;
each 0.1 point below 100 costs 100 CNY of the month's fee (第三章 二).
"""

from __future__ import annotations

import datetime as dt

from bot.app.clock import OffsetClock
from bot.services.registry import Services
from tests.bot.conftest import stop_bot
from tests.digests.conftest import Launch, tick
from tests.digests.world import (
    BOSS,
    MANAGER,
    MANAGER_B,
    A,
    B,
    deliveries,
    local,
    report,
    sent_before,
)

DUE = local(2026, 7, 15, 18, 0)


async def _reports(services: Services) -> None:
    """Yesterday one dress-code report; today a late arrival, 3 missed handovers, dress code.

    July so far: 0.1 + 0.1 + 0.3 + 0.1 = 0.6 points off → 99.4, fee 600 CNY; at yesterday's
    digest only the first counted (99.9), so the change is −0.5.
    """
    await report(services, A, "dress_code", local(2026, 7, 14, 11, 0), staff="王五")
    await report(services, A, "late_arrival", local(2026, 7, 15, 8, 40), staff="张三", value="25")
    await report(services, A, "missed_handover", local(2026, 7, 15, 9, 30), quantity=3)
    await report(services, A, "dress_code", local(2026, 7, 15, 10, 5), staff="李四")


async def test_the_daily_digest_goes_out_at_18_local_once(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    await _reports(world)
    clock.set(DUE - dt.timedelta(seconds=1.5))
    bot = await launch()
    assert await deliveries(world, "daily") == []  # nothing before 18:00
    message = await bot.fake.wait_for_message(MANAGER.chat_id, timeout=5)
    assert clock.now() >= DUE
    assert message["text"].splitlines() == [
        "📊 每日考核简报 2026-07-15",
        "",
        "🏢 haidian-2026（海淀区城管执法局综合调度工作服务外包项目（2026—2027））",
        "新报告 3 条：",
        "• 07-15 08:40 迟到 — 张三 (25) — 检查员 Ins A — 扣 0.1 分",
        "• 07-15 09:30 交接班时未审核“一般案件”单据留存未交接 ×3 — 检查员 Ins A — 扣 0.3 分",
        "• 07-15 10:05 未按规定着装 — 李四 — 检查员 Ins A — 扣 0.1 分",
        "2026-07 累计得分：99.4（较上次简报 −0.5）",
        "按当前得分预计扣减服务费：600 元",
        "📏 高于80分线19.40分（连续两个月绩效考评低于80分，甲方可解除合同）",
    ]
    await tick(bot)  # waits for the job's tick; then a sweep: nothing is sent twice
    await bot.fake.expect_silence(MANAGER.chat_id, within=0.3)
    [row] = [d for d in await deliveries(world, "daily") if d.chat_id == MANAGER.chat_id]
    assert (row.state, row.late, row.message_id) == ("sent", False, message["message_id"])
    assert row.sent_at is not None and row.sent_at >= DUE


async def test_a_digest_missed_while_the_bot_was_down_goes_out_once_marked_late(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    await _reports(world)
    clock.set(local(2026, 7, 15, 17, 0))
    bot = await launch()
    await stop_bot(bot.app)  # down from 17:00 …
    await report(world, A, "dress_code", local(2026, 7, 15, 19, 0), staff="王五")  # imported
    clock.set(local(2026, 7, 15, 21, 30))  # … until 21:30: the start-up sweep catches up
    bot = await launch()
    message = await bot.fake.wait_for_message(MANAGER.chat_id)
    lines = message["text"].splitlines()
    assert lines[:2] == [
        "📊 每日考核简报 2026-07-15",
        "⏰ 补发：本简报应于 2026-07-15 18:00 发送（当时机器人离线）。",
    ]
    assert "新报告 3 条：" in lines  # as of 18:00: the 19:00 report waits for tomorrow
    assert "2026-07 累计得分：99.4（较上次简报 −0.5）" in lines
    [row] = [d for d in await deliveries(world, "daily") if d.chat_id == MANAGER.chat_id]
    assert (row.state, row.late, row.due_at) == ("sent", True, DUE)
    await stop_bot(bot.app)
    bot = await launch()  # and again: nothing is sent twice
    await bot.fake.expect_silence(MANAGER.chat_id, within=0.3)
    rows = await deliveries(world, "daily")  # MANAGER, BOSS (A and B), MANAGER_B: once each
    assert sorted((r.chat_id, r.contract_id) for r in rows) == [
        (MANAGER.chat_id, A),
        (BOSS.chat_id, A),
        (BOSS.chat_id, B),
        (MANAGER_B.chat_id, B),
    ]
    assert {r.state for r in rows} == {"sent"}


async def test_a_manager_of_two_contracts_gets_one_message_and_a_quiet_day_is_one_line(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 7, 15, 12, 0))
    await _reports(world)
    clock.set(DUE + dt.timedelta(seconds=30))
    bot = await launch()
    boss = await bot.fake.wait_for_message(BOSS.chat_id)
    english = await bot.fake.wait_for_message(MANAGER_B.chat_id)
    await tick(bot)
    await bot.fake.expect_silence(BOSS.chat_id, within=0.2)
    sections = boss["text"].split("\n\n")
    assert sections[0] == "📊 每日考核简报 2026-07-15"
    assert sections[1].startswith(f"🏢 {A}（") and "新报告 3 条：" in sections[1]
    assert sections[2] == f"🏢 {B}：今日无新报告，2026-07 得分 100，无变化。"
    assert english["text"] == (
        "📊 Daily digest — 2026-07-15\n\n"
        f"🏢 {B}: a quiet day, no new reports; 2026-07 score 100, unchanged."
    )
    rows = [d for d in await deliveries(world, "daily") if d.chat_id == BOSS.chat_id]
    assert sorted(r.contract_id for r in rows) == [A, B]
    assert {(r.state, r.message_id) for r in rows} == {("sent", boss["message_id"])}


async def test_a_month_that_decides_termination_says_so(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    """June at 78 (22 verified complaints, 1 point each: 附件二 第四章 二、1): July decides —
    two months in a row below 80 let the client terminate (六、6)."""
    await sent_before(world, local(2026, 7, 15, 12, 0))
    await report(
        world, A, "conduct_complaint", local(2026, 6, 25, 10, 0), staff="张三", quantity=22
    )
    await report(world, A, "dress_code", local(2026, 7, 15, 9, 0), staff="李四")
    clock.set(DUE + dt.timedelta(seconds=30))
    bot = await launch()
    text = (await bot.fake.wait_for_message(MANAGER.chat_id))["text"]
    assert (
        "⚠️ 若 2026-07 得分低于 80 分：连续两个月绩效考评低于80分，甲方可解除合同"
        "（此前已低于该线：2026-06）"
    ) in text.splitlines()
    assert "📏 高于80分线19.90分（连续两个月绩效考评低于80分，甲方可解除合同）" in text
