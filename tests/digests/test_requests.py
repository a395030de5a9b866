"""The managers' digest requests where a manager holds two contracts, reads English, or sends
something the bot cannot take: who is told what, in whose language.

Contract 001 (haidian): a late arrival under an hour costs 0.1 (附件二 第四章 三、1), so
contract B's July, closed at 100 with no report, stands at 99.9 once one is approved.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from bot.app.clock import OffsetClock
from bot.app.jobs import job_name
from bot.services.registry import Services
from storage.models import Contract, DigestSubscription
from tests.bot.world import INSPECTOR_B
from tests.digests.conftest import Launch, tick
from tests.digests.world import BOSS, MANAGER, MANAGER_B, A, B, all_entries, local, sent_before
from tests.fakebot import buttons

NOW = local(2026, 7, 15, 10, 0)
JULY_DUE = local(2026, 8, 1, 9, 0)
EXPIRED = "此选择已失效，请重新发送命令。"


async def test_a_late_report_decided_in_english_is_told_to_each_in_their_language(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, local(2026, 8, 1, 8, 0))
    clock.set(JULY_DUE + dt.timedelta(hours=1))
    bot = await launch()  # July's assessment goes out and July closes, for B too
    bot.fake.know(INSPECTOR_B)
    for user in (BOSS, MANAGER_B):
        bot.fake.skip_to_end(user.chat_id)
    held = await bot.say(INSPECTOR_B, "/late 赵六 25 07-31 08:40")
    assert held["text"].startswith("考核期 2026-07 已结算关闭")
    await tick(bot)
    mine = await bot.fake.wait_for_message(MANAGER_B.chat_id)
    copy = await bot.fake.wait_for_message(BOSS.chat_id)
    assert buttons(mine) == ["✅ Approve", "✖️ Reject"]
    assert copy["text"].startswith("🕒 补报审批 #1") and buttons(copy) == ["✅ 批准", "✖️ 驳回"]
    decided = await bot.tap(MANAGER_B, mine, "Approve")
    entry = (await all_entries(world))[-1]
    assert (entry.contract_id, entry.occurred_at) == (B, local(2026, 7, 31, 8, 40))
    assert decided["message_id"] == mine["message_id"]
    assert decided["text"] == (
        f"{mine['text']}\n\n"
        f"✅ Approved by Mgr B, recorded as #{entry.id}. 2026-07 was sent as 100, now 99.9."
    )
    edited = await bot.fake.wait_for_message(BOSS.chat_id)
    assert edited["message_id"] == copy["message_id"] and buttons(edited) == []
    assert edited["text"].startswith("🕒 补报审批 #1\n")
    assert edited["text"].endswith(
        f"\n\n✅ 已由 Mgr B 批准，记录为 #{entry.id}。2026-07 发送时得分 100，现为 99.9。"
    )
    told = await bot.fake.wait_for_message(INSPECTOR_B.chat_id)
    assert told["text"] == (
        f"✅ 您对 2026-07 的补报 #1（迟到 — 赵六 (25)）已由 Mgr B 批准，记录为 #{entry.id}。"
    )


async def test_a_manager_of_two_contracts_names_the_one_to_schedule(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, NOW)
    clock.set(NOW)
    bot = await launch()
    usage = await bot.say(BOSS, "/schedule reminder 16:00")
    assert usage["text"].startswith("用法：/schedule [合同] 设置…")
    moved = await bot.say(BOSS, f"/schedule {B} reminder 16:00")
    assert moved["text"].splitlines()[:2] == ["已更新。", f"合同 {B} 的推送时间（Asia/Shanghai）："]
    async with world.sessions() as session:
        b = await session.get(Contract, B)
        a = await session.get(Contract, A)
    assert b is not None and b.schedule["reminder"] == "16:00"
    assert a is not None and "reminder" not in a.schedule
    assert bot.app.job_queue is not None
    [job] = bot.app.job_queue.get_jobs_by_name(job_name(B, "reminder"))
    assert job.data.due == local(2026, 7, 15, 16, 0)
    assert bot.app.job_queue.get_jobs_by_name(job_name(A, "reminder")) == ()


async def test_the_contract_picked_gets_the_period_asked_for(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, NOW)
    clock.set(NOW)
    bot = await launch()
    choose = await bot.say(BOSS, "/digest 2026-06")
    assert buttons(choose) == [A, B]
    text = await bot.tap(BOSS, choose, B)
    table = await bot.next(BOSS)
    chart = await bot.next(BOSS)
    assert text["text"].splitlines()[0].endswith("2026-06 考核结果")
    assert text["text"].startswith(f"📋 {B}（")
    assert table["document"]["file_name"] == f"{B}-2026-06.xlsx"
    assert chart["caption"].startswith(f"{B} 2026-06 ")


async def test_a_switch_the_bot_cannot_read_changes_nothing_and_says_so(
    world: Services, launch: Launch, clock: OffsetClock
) -> None:
    await sent_before(world, NOW)
    clock.set(NOW)
    bot = await launch()
    carrier = await bot.say(MANAGER, "/help")
    for data in ("sub:0:d:x", "sub:x:d:0", "sub:1:d:0"):
        await bot.fake.press(MANAGER, carrier, data)
        assert (await bot.next(MANAGER))["text"] == EXPIRED
    async with world.sessions() as session:
        assert (await session.exec(select(DigestSubscription))).all() == []  # nothing stored
    panel = await bot.say(MANAGER, "/subscribe")
    assert panel["text"].splitlines()[1] == f"{A}：每日简报 开，考核结果 开"
